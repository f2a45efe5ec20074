# The network ACL allows 10.0.0.0/8 on 5432 (rule 200) before it denies staging
# (rule 300): the first matching rule wins, so staging reaches the database.

resource "aws_vpc" "prod" {
  cidr_block = "10.10.0.0/16"
  tags = {
    Environment = "prod"
  }
}

resource "aws_vpc" "staging" {
  cidr_block = "10.20.0.0/16"
  tags = {
    Environment = "staging"
  }
}

resource "aws_subnet" "db" {
  vpc_id     = aws_vpc.prod.id
  cidr_block = "10.10.5.0/24"
}

resource "aws_network_acl" "db" {
  vpc_id     = aws_vpc.prod.id
  subnet_ids = [aws_subnet.db.id]

  ingress {
    rule_no    = 300
    action     = "deny"
    protocol   = "-1"
    cidr_block = "10.20.0.0/16"
    from_port  = 0
    to_port    = 0
  }

  ingress {
    rule_no    = 200
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "10.0.0.0/8"
    from_port  = 5432
    to_port    = 5432
  }
}

resource "aws_security_group" "db" {
  name   = "ledger-db-prod"
  vpc_id = aws_vpc.prod.id
  tags = {
    Environment = "prod"
  }
}

resource "aws_security_group_rule" "db_from_staging" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["10.20.0.0/16"]
  security_group_id = aws_security_group.db.id
}

resource "aws_instance" "db" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.large"
  subnet_id              = aws_subnet.db.id
  vpc_security_group_ids = [aws_security_group.db.id]
  tags = {
    Environment = "prod"
  }
}
