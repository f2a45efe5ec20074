# EW104 bad case: the production database admits 10.0.0.0/8, which covers both
# the prod VPC (10.10.0.0/16) and the staging VPC (10.20.0.0/16).

resource "aws_vpc" "prod" {
  cidr_block = "10.10.0.0/16"
  tags = {
    Name        = "ledger-prod"
    Environment = "prod"
  }
}

resource "aws_vpc" "staging" {
  cidr_block = "10.20.0.0/16"
  tags = {
    Name        = "ledger-staging"
    Environment = "staging"
  }
}

resource "aws_security_group" "db" {
  name        = "ledger-db-prod"
  description = "Ledger PostgreSQL"
  vpc_id      = aws_vpc.prod.id
  tags = {
    Environment = "prod"
  }
}

resource "aws_security_group_rule" "db_from_internal" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
  security_group_id = aws_security_group.db.id
  description       = "PostgreSQL from internal networks"
}
