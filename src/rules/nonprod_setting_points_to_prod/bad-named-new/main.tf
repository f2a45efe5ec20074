# EW202 bad case: a staging function names production resources that this
# production plan creates, by literal queue URL and ARNs. Their URLs and ARNs are
# unknown until apply; their names are known, and the plan's account is known from
# the role that already exists (existing.tfstate). staging.json is
# `terraform show -json` of the state of staging/; staging/plan.json is its plan
# before apply. Traps, no finding: the staging function's own queue, a partner's
# queue in an account no input or policy names (333...), and the shared SQS host.

resource "aws_sqs_queue" "jobs" {
  name = "orders-jobs-prod"
  tags = { Environment = "prod" }
}

resource "aws_sns_topic" "events" {
  name = "orders-events-prod"
  tags = { Environment = "prod" }
}

resource "aws_dynamodb_table" "ledger" {
  name         = "orders-ledger-prod"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  tags = { Environment = "prod" }
}

resource "aws_iam_role" "settle" {
  name = "orders-settle-prod"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = { Environment = "prod" }
}

resource "aws_lambda_function" "settle" {
  function_name = "orders-settle-prod"
  role          = aws_iam_role.settle.arn
  runtime       = "python3.12"
  handler       = "settle.handler"
  filename      = "app.zip"
  tags          = { Environment = "prod" }
}
