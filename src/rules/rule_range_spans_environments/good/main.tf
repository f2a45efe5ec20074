# EW104 good case: the production database admits the prod VPC range exactly,
# and 10.10.0.0/15 (10.10.0.0-10.11.255.255), which is wider than the VPC but
# still holds only production; the staging VPC (10.20.0.0/16) is outside both.

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

resource "aws_security_group_rule" "db_from_prod_vpc" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["10.10.0.0/16"]
  security_group_id = aws_security_group.db.id
  description       = "PostgreSQL from the prod VPC"
}

resource "aws_vpc_security_group_ingress_rule" "db_from_prod_block" {
  security_group_id = aws_security_group.db.id
  cidr_ipv4         = "10.10.0.0/15"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  description       = "PostgreSQL from the prod address block"
}
