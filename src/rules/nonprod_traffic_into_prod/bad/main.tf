# EW101 bad case: the production orders database admits the staging app security
# group (through a for_each rule over both environments) and the staging VPC's range.

locals {
  vpc_cidrs = {
    staging = "10.20.0.0/16"
    prod    = "10.10.0.0/16"
  }
}

module "app" {
  source   = "./modules/app"
  for_each = toset(["staging", "prod"])

  environment = each.key
  cidr_block  = local.vpc_cidrs[each.key]
}

resource "aws_security_group" "orders_db" {
  name        = "orders-db-prod"
  description = "Orders PostgreSQL (prod)"
  vpc_id      = module.app["prod"].vpc_id

  tags = {
    Environment = "prod"
  }
}

# One rule per environment: the "prod" instance is fine, the "staging" one is EW101.
resource "aws_vpc_security_group_ingress_rule" "db_from_app" {
  for_each = toset(["staging", "prod"])

  security_group_id            = aws_security_group.orders_db.id
  referenced_security_group_id = module.app[each.key].app_sg_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from orders-app-${each.key}"
}

# The whole staging VPC range: EW101.
resource "aws_security_group_rule" "db_from_staging_range" {
  type              = "ingress"
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["10.20.0.0/16"]
  security_group_id = aws_security_group.orders_db.id
  description       = "PostgreSQL from the staging VPC"
}
