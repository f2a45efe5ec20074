# EW101 bad case: production allowlists that admit addresses staging owns.
# The staging NAT gateway's elastic IP is computed at apply; the production EKS
# API and database group admit it by reference. A vendor's address, owned by
# nothing here, stays the internet. The bucket and search domain policies admit
# them by `aws:SourceIp`. The addresses of the staging egress stack
# (staging-egress.json, its state) are known: a literal /32 of one is staging's.

resource "aws_vpc" "staging" {
  cidr_block = "10.20.0.0/16"
  tags       = { Name = "orders-staging", Environment = "staging" }
}

resource "aws_subnet" "staging_public" {
  vpc_id     = aws_vpc.staging.id
  cidr_block = "10.20.0.0/24"
  tags       = { Environment = "staging" }
}

resource "aws_eip" "staging_nat" {
  domain = "vpc"
  tags   = { Name = "orders-staging-nat", Environment = "staging" }
}

resource "aws_nat_gateway" "staging" {
  allocation_id = aws_eip.staging_nat.id
  subnet_id     = aws_subnet.staging_public.id
  tags          = { Environment = "staging" }
}

resource "aws_security_group" "orders_db" {
  name        = "orders-db-prod"
  description = "Orders PostgreSQL (prod)"
  tags        = { Environment = "prod" }
}

# The staging NAT address, by reference: EW101.
resource "aws_security_group_rule" "db_from_staging_nat" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["${aws_nat_gateway.staging.public_ip}/32"]
  security_group_id = aws_security_group.orders_db.id
}

# An address of the staging egress stack, written out: EW101.
resource "aws_security_group_rule" "db_from_staging_egress" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["52.18.7.9/32"]
  security_group_id = aws_security_group.orders_db.id
}

# A vendor's address: owned by nothing in the inputs, the internet, no finding.
resource "aws_security_group_rule" "db_from_vendor" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["34.120.5.6/32"]
  security_group_id = aws_security_group.orders_db.id
}

resource "aws_iam_role" "eks" {
  name = "orders-eks-prod"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "eks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = { Environment = "prod" }
}

# The production cluster's public API admits the staging elastic IP: EW101.
resource "aws_eks_cluster" "orders" {
  name     = "orders-prod"
  role_arn = aws_iam_role.eks.arn
  vpc_config {
    subnet_ids             = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    endpoint_public_access = true
    public_access_cidrs    = ["${aws_eip.staging_nat.public_ip}/32", "34.120.5.6/32"]
  }
  tags = { Environment = "prod" }
}

resource "aws_s3_bucket" "exports" {
  bucket = "orders-exports-prod"
  tags   = { Environment = "prod" }
}

# The production bucket admits requests from the staging NAT address: EW101.
resource "aws_s3_bucket_policy" "exports" {
  bucket = aws_s3_bucket.exports.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "FromStagingNat"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::orders-exports-prod/*"
      Condition = { IpAddress = { "aws:SourceIp" = "${aws_eip.staging_nat.public_ip}/32" } }
    }]
  })
}

# The production search domain admits the staging egress address and the
# vendor's: EW101 for the first only.
resource "aws_opensearch_domain" "orders" {
  domain_name    = "orders-prod"
  engine_version = "OpenSearch_2.13"
  access_policies = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "es:ESHttp*"
      Resource  = "arn:aws:es:eu-west-1:111111111111:domain/orders-prod/*"
      Condition = { IpAddress = { "aws:SourceIp" = ["52.18.7.9/32", "34.120.5.6/32"] } }
    }]
  })
  tags = { Environment = "prod" }
}
