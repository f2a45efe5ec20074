# EW103 good case: a peering between two production VPCs, and a transit gateway
# where the prod and staging attachments opt out of the default route table and
# are each associated with, and propagate into, their own environment's route
# table only, so prod and staging cannot route to each other.

resource "aws_vpc" "orders_prod" {
  cidr_block = "10.10.0.0/16"
  tags = {
    Name        = "orders-prod"
    Environment = "prod"
  }
}

resource "aws_vpc" "payments_prod" {
  cidr_block = "10.12.0.0/16"
  tags = {
    Name        = "payments-prod"
    Environment = "prod"
  }
}

resource "aws_vpc" "orders_staging" {
  cidr_block = "10.20.0.0/16"
  tags = {
    Name        = "orders-staging"
    Environment = "staging"
  }
}

# --- prod <-> prod peering --------------------------------------------------

resource "aws_vpc_peering_connection" "orders_payments" {
  vpc_id      = aws_vpc.orders_prod.id
  peer_vpc_id = aws_vpc.payments_prod.id
  auto_accept = true

  tags = {
    Name        = "orders-prod-to-payments-prod"
    Environment = "prod"
  }
}

resource "aws_route_table" "orders_prod_private" {
  vpc_id = aws_vpc.orders_prod.id
  tags = {
    Name        = "orders-prod-private"
    Environment = "prod"
  }
}

resource "aws_route" "orders_to_payments" {
  route_table_id            = aws_route_table.orders_prod_private.id
  destination_cidr_block    = "10.12.0.0/16"
  vpc_peering_connection_id = aws_vpc_peering_connection.orders_payments.id
}

# --- transit gateway with one route table per environment -------------------

resource "aws_ec2_transit_gateway" "hub" {
  description = "Shared network hub"
  tags = {
    Name        = "network-hub"
    Environment = "shared"
  }
}

resource "aws_subnet" "orders_prod_tgw" {
  vpc_id            = aws_vpc.orders_prod.id
  cidr_block        = "10.10.255.0/28"
  availability_zone = "eu-west-1a"
  tags = {
    Name        = "orders-prod-tgw-a"
    Environment = "prod"
  }
}

resource "aws_subnet" "orders_staging_tgw" {
  vpc_id            = aws_vpc.orders_staging.id
  cidr_block        = "10.20.255.0/28"
  availability_zone = "eu-west-1a"
  tags = {
    Name        = "orders-staging-tgw-a"
    Environment = "staging"
  }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "prod" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.orders_prod.id
  subnet_ids                                      = [aws_subnet.orders_prod_tgw.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  tags = {
    Name        = "network-hub-orders-prod"
    Environment = "prod"
  }
}

resource "aws_ec2_transit_gateway_vpc_attachment" "staging" {
  transit_gateway_id                              = aws_ec2_transit_gateway.hub.id
  vpc_id                                          = aws_vpc.orders_staging.id
  subnet_ids                                      = [aws_subnet.orders_staging_tgw.id]
  transit_gateway_default_route_table_association = false
  transit_gateway_default_route_table_propagation = false
  tags = {
    Name        = "network-hub-orders-staging"
    Environment = "staging"
  }
}

resource "aws_ec2_transit_gateway_route_table" "prod" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  tags = {
    Name        = "network-hub-prod"
    Environment = "prod"
  }
}

resource "aws_ec2_transit_gateway_route_table" "staging" {
  transit_gateway_id = aws_ec2_transit_gateway.hub.id
  tags = {
    Name        = "network-hub-staging"
    Environment = "staging"
  }
}

resource "aws_ec2_transit_gateway_route_table_association" "prod" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.prod.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.prod.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "prod" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.prod.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.prod.id
}

resource "aws_ec2_transit_gateway_route_table_association" "staging" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.staging.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.staging.id
}

resource "aws_ec2_transit_gateway_route_table_propagation" "staging" {
  transit_gateway_attachment_id  = aws_ec2_transit_gateway_vpc_attachment.staging.id
  transit_gateway_route_table_id = aws_ec2_transit_gateway_route_table.staging.id
}
