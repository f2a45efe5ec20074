# Non-production policies that admit only non-production and shared principals.

resource "aws_sqs_queue" "events_staging" {
  name = "orders-events-staging"
  tags = { Environment = "staging" }
}

resource "aws_sqs_queue_policy" "events_staging" {
  queue_url = aws_sqs_queue.events_staging.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "FromStaging"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::222222222222:role/orders-service-staging" }
        Action    = "sqs:SendMessage"
        Resource  = "*"
      },
      {
        Sid       = "FromSharedMonitoring"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::444444444444:role/monitoring-shared" }
        Action    = "sqs:GetQueueAttributes"
        Resource  = "*"
      },
      {
        Sid       = "NeverProduction"
        Effect    = "Deny"
        Principal = { AWS = "arn:aws:iam::111111111111:role/orders-service-prod" }
        Action    = "sqs:*"
        Resource  = "*"
      },
    ]
  })
}
