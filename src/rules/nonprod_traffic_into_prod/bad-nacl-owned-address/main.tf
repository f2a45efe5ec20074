# EW101 bad case: the network ACL is the allowlist. The database's security group
# admits any address on 5432; the ACL of its subnet admits only the staging egress
# address (staging-egress.json, its state) and a vendor's, and denies the rest.
# The staging address gets through: EW101. Traps, no finding: the vendor's
# address (owned by nothing here: the internet), an address the ACL denies before
# it allows it, and one it allows on another port only.

resource "aws_vpc" "prod" {
  cidr_block = "10.10.0.0/16"
  tags       = { Name = "payments-prod", Environment = "prod" }
}

resource "aws_subnet" "db" {
  vpc_id     = aws_vpc.prod.id
  cidr_block = "10.10.5.0/24"
  tags       = { Environment = "prod" }
}

resource "aws_network_acl" "db" {
  vpc_id     = aws_vpc.prod.id
  subnet_ids = [aws_subnet.db.id]

  ingress {
    rule_no    = 90
    action     = "deny"
    protocol   = "-1"
    cidr_block = "52.18.7.10/32"
    from_port  = 0
    to_port    = 0
  }

  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "52.18.7.9/32"
    from_port  = 5432
    to_port    = 5432
  }

  ingress {
    rule_no    = 110
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "34.120.5.6/32"
    from_port  = 5432
    to_port    = 5432
  }

  ingress {
    rule_no    = 120
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "52.18.7.10/32"
    from_port  = 5432
    to_port    = 5432
  }

  ingress {
    rule_no    = 130
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "52.18.7.11/32"
    from_port  = 443
    to_port    = 443
  }

  ingress {
    rule_no    = 200
    action     = "deny"
    protocol   = "-1"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }

  tags = { Environment = "prod" }
}

resource "aws_security_group" "db" {
  name   = "payments-db-prod"
  vpc_id = aws_vpc.prod.id
  tags   = { Environment = "prod" }
}

resource "aws_vpc_security_group_ingress_rule" "db_postgres" {
  security_group_id = aws_security_group.db.id
  description       = "PostgreSQL; the network ACL decides who"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_instance" "db" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "r6i.large"
  subnet_id              = aws_subnet.db.id
  vpc_security_group_ids = [aws_security_group.db.id]
  tags                   = { Environment = "prod" }
}
