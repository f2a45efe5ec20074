# EW103 bad case: the production VPC is peered with staging (with a route over
# the peering), and attached to a shared transit gateway together with the dev
# VPC. Both attachments keep the default route table association and
# propagation, so prod and dev share one route table and can reach each other.

resource "aws_vpc" "prod" {
  cidr_block = "10.10.0.0/16"
  tags = {
    Name        = "platform-prod"
    Environment = "prod"
  }
}

resource "aws_vpc" "staging" {
  cidr_block = "10.20.0.0/16"
  tags = {
    Name        = "platform-staging"
    Environment = "staging"
  }
}

resource "aws_vpc" "dev" {
  cidr_block = "10.30.0.0/16"
  tags = {
    Name        = "platform-dev"
    Environment = "dev"
  }
}

# --- prod <-> staging peering ---------------------------------------------

resource "aws_vpc_peering_connection" "prod_staging" {
  vpc_id      = aws_vpc.prod.id
  peer_vpc_id = aws_vpc.staging.id
  auto_accept = true

  tags = {
    Name = "platform-prod-to-staging"
  }
}

resource "aws_route_table" "prod_private" {
  vpc_id = aws_vpc.prod.id
  tags = {
    Name        = "platform-prod-private"
    Environment = "prod"
  }
}

resource "aws_route" "prod_to_staging" {
  route_table_id            = aws_route_table.prod_private.id
  destination_cidr_block    = "10.20.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.prod_staging.id
}

# --- shared transit gateway with prod and dev on the default table ---------

resource "aws_ec2_transit_gateway" "hub" {
  description = "Shared network hub"
  tags = {
    Name        = "network-hub"
    Environment = "shared"
  }
}

resource "aws_subnet" "prod_tgw" {
  vpc_id            = aws_vpc.prod.id
  cidr_block        = "10.10.255.0/28"
  availability_zone = "eu-west-1a"
  tags = {
    Name        = "platform-prod-tgw-a"
    Environment = "prod"
  }
}

resource "aws_subnet" "dev_tgw" {
  vpc_id            = aws_vpc.dev.id
  cidr_block        = "10.30.255.0/28"
  availability_zone = "eu-west-1a"
  tags = {
    Name        = "platform-dev-tgw-a"
    Environment = "dev"
  }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "prod" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.prod.id
  subnet_ids         = [aws_subnet.prod_tgw.id]
  tags = {
    Name = "network-hub-platform-prod"
  }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "dev" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  vpc_id             = aws_vpc.dev.id
  subnet_ids         = [aws_subnet.dev_tgw.id]
  tags = {
    Name = "network-hub-platform-dev"
  }
}
