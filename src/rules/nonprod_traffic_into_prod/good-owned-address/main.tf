# EW101 good case: production allowlists that admit addresses production owns
# (its NAT gateway's elastic IP, by reference; its egress stack's address, written
# out) and a vendor's address, owned by nothing here.

resource "aws_vpc" "prod" {
  cidr_block = "10.10.0.0/16"
  tags       = { Name = "orders-prod", Environment = "prod" }
}

resource "aws_subnet" "prod_public" {
  vpc_id     = aws_vpc.prod.id
  cidr_block = "10.10.0.0/24"
  tags       = { Environment = "prod" }
}

resource "aws_eip" "prod_nat" {
  domain = "vpc"
  tags   = { Name = "orders-prod-nat", Environment = "prod" }
}

resource "aws_nat_gateway" "prod" {
  allocation_id = aws_eip.prod_nat.id
  subnet_id     = aws_subnet.prod_public.id
  tags          = { Environment = "prod" }
}

resource "aws_security_group" "orders_db" {
  name        = "orders-db-prod"
  description = "Orders PostgreSQL (prod)"
  tags        = { Environment = "prod" }
}

# The production NAT address, by reference: no finding.
resource "aws_security_group_rule" "db_from_prod_nat" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["${aws_nat_gateway.prod.public_ip}/32"]
  security_group_id = aws_security_group.orders_db.id
}

# An address of the production egress stack, written out: no finding.
resource "aws_security_group_rule" "db_from_prod_egress" {
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

# The production cluster's public API admits its own elastic IP: no finding.
resource "aws_eks_cluster" "orders" {
  name     = "orders-prod"
  role_arn = aws_iam_role.eks.arn
  vpc_config {
    subnet_ids             = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    endpoint_public_access = true
    public_access_cidrs    = ["${aws_eip.prod_nat.public_ip}/32", "34.120.5.6/32"]
  }
  tags = { Environment = "prod" }
}

resource "aws_s3_bucket" "exports" {
  bucket = "orders-exports-prod"
  tags   = { Environment = "prod" }
}

# The production bucket admits requests from its own NAT address: no finding.
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
      Condition = { IpAddress = { "aws:SourceIp" = "${aws_eip.prod_nat.public_ip}/32" } }
    }]
  })
}

# The production search domain admits the production egress address and the
# vendor's: no finding.
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
