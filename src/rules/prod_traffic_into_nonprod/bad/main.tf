# EW102 bad case: the production app can open connections into staging three
# ways: an inline egress block to the staging VPC range, a standalone egress rule
# to the staging queue's group, and an inline ingress block on a staging service
# that admits the production app group.

resource "aws_vpc" "prod" {
  cidr_block           = "10.10.0.0/16"
  enable_dns_hostnames = true

  tags = {
    Name        = "orders-prod"
    Environment = "prod"
  }
}

resource "aws_vpc" "staging" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true

  tags = {
    Name        = "orders-staging"
    Environment = "staging"
  }
}

resource "aws_security_group" "app" {
  name        = "orders-app-prod"
  description = "Orders application servers"
  vpc_id      = aws_vpc.prod.id

  # The staging VPC range: EW102.
  egress {
    description = "PostgreSQL in the staging VPC"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.20.0.0/16"]
  }

  tags = {
    Environment = "prod"
  }
}

resource "aws_security_group" "queue" {
  name        = "orders-queue-staging"
  description = "Orders RabbitMQ (staging)"
  vpc_id      = aws_vpc.staging.id

  tags = {
    Environment = "staging"
  }
}

# Production app to the staging queue: EW102.
resource "aws_vpc_security_group_egress_rule" "app_to_queue" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.queue.id
  ip_protocol                  = "tcp"
  from_port                    = 5672
  to_port                      = 5672
  description                  = "AMQP to orders-queue-staging"
}

resource "aws_security_group" "reports_staging" {
  name        = "reports-staging"
  description = "Reporting service (staging)"
  vpc_id      = aws_vpc.staging.id

  # Admits the production app: EW102.
  ingress {
    description     = "HTTP from orders-app-prod"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }

  tags = {
    Environment = "staging"
  }
}
