# Non-production resources whose policies let production act on them.

resource "aws_iam_role" "app_prod" {
  name = "orders-app-prod"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
  tags = { Environment = "prod" }
}

# A staging role production's app may assume: production depends on staging.
data "aws_iam_policy_document" "reader_staging_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.app_prod.arn]
    }
  }
}

resource "aws_iam_role" "reader_staging" {
  name               = "orders-reader-staging"
  assume_role_policy = data.aws_iam_policy_document.reader_staging_trust.json
  tags               = { Environment = "staging" }
}

# Staging's events queue takes messages from production's order service.
resource "aws_sqs_queue" "events_staging" {
  name = "orders-events-staging"
  tags = { Environment = "staging" }
}

resource "aws_sqs_queue_policy" "events_staging" {
  queue_url = aws_sqs_queue.events_staging.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "FromProduction"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:role/orders-service-prod" }
      Action    = ["sqs:SendMessage", "sqs:GetQueueAttributes"]
      Resource  = "*"
    }]
  })
}
