# EW102 good case: production egress stays in production (another prod group)
# or goes to the internet (0.0.0.0/0 on 443); staging egress into a development
# range is non-production to non-production. Nothing to report.

resource "aws_vpc" "prod" {
  cidr_block = "10.10.0.0/16"
  tags = {
    Name        = "orders-prod"
    Environment = "prod"
  }
}

resource "aws_vpc" "staging" {
  cidr_block = "10.20.0.0/16"
  tags = {
    Name        = "orders-staging"
    Environment = "staging"
  }
}

resource "aws_vpc" "dev" {
  cidr_block = "10.30.0.0/16"
  tags = {
    Name        = "orders-dev"
    Environment = "dev"
  }
}

resource "aws_subnet" "dev_data" {
  vpc_id     = aws_vpc.dev.id
  cidr_block = "10.30.8.0/22"
  tags = {
    Name        = "orders-dev-data"
    Environment = "dev"
  }
}

resource "aws_security_group" "app" {
  name        = "orders-app-prod"
  description = "Orders application servers"
  vpc_id      = aws_vpc.prod.id

  # Payment provider APIs on the internet.
  egress {
    description = "HTTPS to the internet"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Environment = "prod"
  }
}

resource "aws_security_group" "db" {
  name        = "orders-db-prod"
  description = "Orders PostgreSQL"
  vpc_id      = aws_vpc.prod.id
  tags = {
    Environment = "prod"
  }
}

# prod -> prod.
resource "aws_vpc_security_group_egress_rule" "app_to_db" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL to orders-db-prod"
}

resource "aws_security_group" "etl_staging" {
  name        = "orders-etl-staging"
  description = "Nightly ETL jobs (staging)"
  vpc_id      = aws_vpc.staging.id
  tags = {
    Environment = "staging"
  }
}

# staging -> dev data subnet: non-production on both ends.
resource "aws_vpc_security_group_egress_rule" "etl_to_dev_data" {
  security_group_id = aws_security_group.etl_staging.id
  cidr_ipv4         = "10.30.8.0/22"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  description       = "PostgreSQL in the dev data subnet"
}
