resource "aws_sqs_queue" "jobs" {
  name = "orders-jobs-staging"
  tags = { Environment = "staging" }
}

resource "aws_iam_role" "worker" {
  name = "orders-worker-staging"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = { Environment = "staging" }
}

resource "aws_lambda_function" "worker" {
  function_name = "orders-worker-staging"
  role          = aws_iam_role.worker.arn
  runtime       = "python3.12"
  handler       = "worker.handler"
  filename      = "app.zip"

  environment {
    variables = {
      JOBS_QUEUE_URL      = "https://sqs.eu-west-1.amazonaws.com/111111111111/orders-jobs-prod"
      EVENTS_TOPIC_ARN    = "arn:aws:sns:eu-west-1:111111111111:orders-events-prod"
      LEDGER_TABLE_ARN    = "arn:aws:dynamodb:eu-west-1:111111111111:table/orders-ledger-prod"
      SETTLE_FUNCTION_ARN = "arn:aws:lambda:eu-west-1:111111111111:function:orders-settle-prod:live"
      OWN_QUEUE_URL       = "https://sqs.eu-west-1.amazonaws.com/222222222222/orders-jobs-staging"
      PARTNER_DLQ_URL     = "https://sqs.eu-west-1.amazonaws.com/333333333333/orders-dlq-prod"
      SQS_ENDPOINT        = "https://sqs.eu-west-1.amazonaws.com"
    }
  }

  tags = { Environment = "staging" }
}

resource "aws_lambda_event_source_mapping" "prod_jobs" {
  function_name    = aws_lambda_function.worker.arn
  event_source_arn = "arn:aws:sqs:eu-west-1:111111111111:orders-jobs-prod"
  batch_size       = 10
  tags             = { Environment = "staging" }
}
