# Production resources whose policies admit non-production principals.

# A staging CI role, new in this plan: its ARN is known only after apply.
resource "aws_iam_role" "ci_staging" {
  name = "ci-staging"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })
  tags = { Environment = "staging" }
}

# Production's deploy role trusts staging's CI role.
resource "aws_iam_role" "deploy_prod" {
  name = "deploy-prod"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = aws_iam_role.ci_staging.arn }
    }]
  })
  tags = { Environment = "prod" }
}

# Production's orders bucket lets a development analytics role read it.
resource "aws_s3_bucket" "orders_prod" {
  bucket = "acme-orders-prod"
  tags   = { Environment = "prod" }
}

data "aws_iam_policy_document" "orders_prod" {
  statement {
    sid       = "AnalyticsRead"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::acme-orders-prod", "arn:aws:s3:::acme-orders-prod/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::222222222222:role/analytics-dev"]
    }
  }
  # The organisation may list it: narrowed, not a finding.
  statement {
    sid       = "OrgList"
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::acme-orders-prod"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-a1b2c3d4e5"]
    }
  }
}

resource "aws_s3_bucket_policy" "orders_prod" {
  bucket = aws_s3_bucket.orders_prod.id
  policy = data.aws_iam_policy_document.orders_prod.json
}

# Production's orders key lets a staging role decrypt.
resource "aws_kms_key" "orders_prod" {
  description = "orders production data"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Account"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111111111111:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "StagingDecrypt"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::222222222222:role/orders-staging" }
        Action    = ["kms:Decrypt", "kms:DescribeKey"]
        Resource  = "*"
        Condition = { StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" } }
      },
    ]
  })
  tags = { Environment = "prod" }
}

# Production's events queue accepts messages from staging's topic.
resource "aws_sns_topic" "events_staging" {
  name = "events-staging"
}

resource "aws_sqs_queue" "events_prod" {
  name = "events-prod"
}

resource "aws_sqs_queue_policy" "events_prod" {
  queue_url = aws_sqs_queue.events_prod.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.events_prod.arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.events_staging.arn } }
    }]
  })
}

# Production's order function may be invoked by staging's events topic.
resource "aws_lambda_function" "orders_prod" {
  function_name = "orders-prod"
  role          = aws_iam_role.deploy_prod.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  tags          = { Environment = "prod" }
}

resource "aws_lambda_permission" "from_staging_events" {
  statement_id  = "AllowStagingEvents"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.orders_prod.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.events_staging.arn
}

# Staging's CI role's own policy lets it read production's orders bucket.
resource "aws_iam_role_policy" "ci_staging_reads_orders" {
  name = "read-orders"
  role = aws_iam_role.ci_staging.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = "${aws_s3_bucket.orders_prod.arn}/*"
    }]
  })
}
