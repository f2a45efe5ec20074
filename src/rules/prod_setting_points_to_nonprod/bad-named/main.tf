# EW201 bad case: a production function names staging resources by identifier,
# not by host (and a new bucket by the host its name gives it). The staging stack
# (staging.json, its state) owns the queue, the topic, the bucket and the table;
# the production stack (prod.json) owns its own queue. Queue URLs all share the host sqs.eu-west-1.amazonaws.com: the path is
# the queue. Traps, no finding: the production queue, the shared SQS host, and
# a partner's topic in an account no policy names.

# A staging bucket this plan creates: its host name is known from its name.
resource "aws_s3_bucket" "reports_staging" {
  bucket = "orders-reports-staging-2c9d"
  tags   = { Environment = "staging" }
}

resource "aws_iam_role" "orders_api" {
  name = "orders-api-prod"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = { Environment = "prod" }
}

resource "aws_lambda_function" "orders_api" {
  function_name = "orders-api-prod"
  role          = aws_iam_role.orders_api.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"

  environment {
    variables = {
      JOBS_QUEUE_URL    = "https://sqs.eu-west-1.amazonaws.com/222222222222/orders-jobs-staging"
      EVENTS_TOPIC_ARN  = "arn:aws:sns:eu-west-1:222222222222:orders-events-staging"
      UPLOADS_BUCKET    = "orders-uploads-staging-7f3a"
      EXPORTS_URI       = "s3://orders-uploads-staging-7f3a/exports/"
      ORDERS_TABLE      = "orders-staging"
      AUDIT_QUEUE_URL   = "https://sqs.eu-west-1.amazonaws.com/111111111111/orders-audit-prod"
      SQS_ENDPOINT      = "https://sqs.eu-west-1.amazonaws.com"
      PARTNER_TOPIC_ARN = "arn:aws:sns:eu-west-1:999999999999:partner-events"
      REPORTS_URL       = "https://orders-reports-staging-2c9d.s3.amazonaws.com/daily/"
    }
  }

  tags = { Environment = "prod" }
}

# The production function consumes the staging queue: EW201.
resource "aws_lambda_event_source_mapping" "orders_jobs" {
  function_name    = aws_lambda_function.orders_api.arn
  event_source_arn = "arn:aws:sqs:eu-west-1:222222222222:orders-jobs-staging"
  batch_size       = 10
  tags             = { Environment = "prod" }
}
