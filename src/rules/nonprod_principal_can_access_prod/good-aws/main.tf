# Production policies that look like they admit non-production, and do not.

resource "aws_s3_bucket" "reports_prod" {
  bucket = "acme-reports-prod"
  tags   = { Environment = "prod" }
}

resource "aws_s3_bucket_policy" "reports_prod" {
  bucket = aws_s3_bucket.reports_prod.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # Production's reporting role, in another production account.
      {
        Sid       = "ReportsProd"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::333333333333:role/reports-prod" }
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::acme-reports-prod/*"
      },
      # The shared CI role.
      {
        Sid       = "CiShared"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::444444444444:role/ci-shared" }
        Action    = "s3:PutObject"
        Resource  = "arn:aws:s3:::acme-reports-prod/*"
      },
      # Granted, then taken back by the Deny below.
      {
        Sid       = "StagingRead"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::222222222222:role/reports-staging" }
        Action    = "s3:GetObject"
        Resource  = "arn:aws:s3:::acme-reports-prod/*"
      },
      {
        Sid       = "NoStaging"
        Effect    = "Deny"
        Principal = { AWS = "arn:aws:iam::222222222222:role/reports-staging" }
        Action    = "*"
        Resource  = ["arn:aws:s3:::acme-reports-prod", "arn:aws:s3:::acme-reports-prod/*"]
      },
      # Everyone in the organisation may list: narrowed, and no one envwall can name.
      {
        Sid       = "OrgList"
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:ListBucket"
        Resource  = "arn:aws:s3:::acme-reports-prod"
        Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } }
      },
      # Everyone but a development role: NotPrincipal names no one to grant.
      {
        Sid          = "AllButDev"
        Effect       = "Allow"
        NotPrincipal = { AWS = "arn:aws:iam::222222222222:role/reports-dev" }
        Action       = "s3:GetBucketLocation"
        Resource     = "arn:aws:s3:::acme-reports-prod"
      },
    ]
  })
}

# A production role that production's own CI role may assume.
resource "aws_iam_role" "ci_prod" {
  name = "ci-prod"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })
  tags = { Environment = "prod" }
}

resource "aws_iam_role" "deploy_prod" {
  name = "deploy-prod"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = aws_iam_role.ci_prod.arn }
    }]
  })
  tags = { Environment = "prod" }
}
