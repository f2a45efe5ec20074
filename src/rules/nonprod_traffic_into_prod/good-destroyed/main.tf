# EW101 good case: the VPCs and the prod database group already exist (see
# terraform.tfstate), and so does aws_security_group_rule.old_staging_access,
# which let the staging VPC range (10.20.0.0/16) reach PostgreSQL on the prod
# database. The rule has been removed from this configuration, so the plan
# destroys it; a link that is being deleted must not be reported.

resource "aws_vpc" "prod" {
  cidr_block           = "10.10.0.0/16"
  enable_dns_hostnames = true

  tags = {
    Name        = "billing-prod"
    Environment = "prod"
  }
}

resource "aws_vpc" "staging" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true

  tags = {
    Name        = "billing-staging"
    Environment = "staging"
  }
}

resource "aws_security_group" "db" {
  name        = "billing-db-prod"
  description = "Billing PostgreSQL"
  vpc_id      = aws_vpc.prod.id

  tags = {
    Environment = "prod"
  }
}

# Removed: the staging VPC no longer reaches the production database.
# resource "aws_security_group_rule" "old_staging_access" {
#   type              = "ingress"
#   from_port         = 5432
#   to_port           = 5432
#   protocol          = "tcp"
#   cidr_blocks       = ["10.20.0.0/16"]
#   security_group_id = aws_security_group.db.id
# }
