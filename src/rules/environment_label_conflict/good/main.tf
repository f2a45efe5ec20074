# EW301 good case: every label agrees with its placement, and the traps stay quiet.

resource "aws_vpc" "prod" {
  cidr_block = "10.10.0.0/16"
  tags = {
    Environment = "prod"
  }
}

resource "aws_vpc" "staging" {
  cidr_block = "10.30.0.0/16"
  tags = {
    Environment = "staging"
  }
}

# `product` is not `prod`; no environment word, nothing to contradict.
resource "aws_security_group" "product_catalog" {
  name   = "product-catalog"
  vpc_id = aws_vpc.staging.id
}

# preprod is non-production, like the staging VPC it is in.
resource "aws_security_group" "checkout" {
  name   = "checkout-preprod"
  vpc_id = aws_vpc.staging.id
}

resource "aws_subnet" "orders" {
  vpc_id     = aws_vpc.prod.id
  cidr_block = "10.10.1.0/24"
  tags = {
    Environment = "Production"
  }
}

# A shared hub label never conflicts.
resource "aws_security_group" "hub" {
  name   = "transit-hub"
  vpc_id = aws_vpc.prod.id
}
