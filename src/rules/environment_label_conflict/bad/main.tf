# EW301 bad case: labels that contradict where the resource is placed.

resource "aws_vpc" "dev" {
  cidr_block = "10.20.0.0/16"
  tags = {
    Environment = "dev"
  }
}

resource "aws_vpc" "prod" {
  cidr_block = "10.10.0.0/16"
  tags = {
    Environment = "production"
  }
}

# A production-tagged subnet in the development VPC.
resource "aws_subnet" "payments" {
  vpc_id     = aws_vpc.dev.id
  cidr_block = "10.20.1.0/24"
  tags = {
    Environment = "prod"
  }
}

# Named for staging, placed in the production VPC.
resource "aws_security_group" "orders_staging" {
  name   = "orders-staging"
  vpc_id = aws_vpc.prod.id
}

# No label of its own: it inherits production from its subnet, no conflict.
resource "aws_instance" "payments" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.payments.id
}
