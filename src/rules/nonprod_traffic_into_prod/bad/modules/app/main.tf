variable "environment" {
  type = string
}

variable "cidr_block" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_hostnames = true

  tags = {
    Name        = "orders-${var.environment}"
    Environment = var.environment
  }
}

resource "aws_security_group" "app" {
  name        = "orders-app-${var.environment}"
  description = "Orders application servers (${var.environment})"
  vpc_id      = aws_vpc.this.id

  tags = {
    Environment = var.environment
  }
}

output "vpc_id" {
  value = aws_vpc.this.id
}

output "app_sg_id" {
  value = aws_security_group.app.id
}
