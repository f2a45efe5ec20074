# EW101 good case: traps that must stay silent. prod -> prod, staging -> dev,
# the internet (0.0.0.0/0) into prod, and two groups whose names only look like
# environment words ("product-catalog" is not prod, "checkout-preprod" is staging)
# reaching groups in their own VPC's environment.

resource "aws_vpc" "prod" {
  cidr_block = "10.10.0.0/16"
  tags = {
    Name        = "shop-prod"
    Environment = "prod"
  }
}

resource "aws_vpc" "staging" {
  cidr_block = "10.20.0.0/16"
  tags = {
    Name        = "shop-staging"
    Environment = "staging"
  }
}

resource "aws_vpc" "dev" {
  cidr_block = "10.30.0.0/16"
  tags = {
    Name        = "shop-dev"
    Environment = "dev"
  }
}

# --- prod -> prod ---------------------------------------------------------

resource "aws_security_group" "orders_app_prod" {
  name        = "orders-app-prod"
  description = "Orders application servers"
  vpc_id      = aws_vpc.prod.id
  tags = {
    Environment = "prod"
  }
}

resource "aws_security_group" "orders_db_prod" {
  name        = "orders-db-prod"
  description = "Orders PostgreSQL"
  vpc_id      = aws_vpc.prod.id
  tags = {
    Environment = "prod"
  }
}

resource "aws_vpc_security_group_ingress_rule" "orders_db_from_app" {
  security_group_id            = aws_security_group.orders_db_prod.id
  referenced_security_group_id = aws_security_group.orders_app_prod.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from orders-app-prod"
}

# --- internet -> prod -----------------------------------------------------

resource "aws_security_group" "storefront_lb_prod" {
  name        = "storefront-lb-prod"
  description = "Public storefront load balancer"
  vpc_id      = aws_vpc.prod.id
  tags = {
    Environment = "prod"
  }
}

resource "aws_vpc_security_group_ingress_rule" "storefront_https" {
  security_group_id = aws_security_group.storefront_lb_prod.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "HTTPS from the internet"
}

# --- staging -> dev -------------------------------------------------------

resource "aws_security_group" "loadtest_staging" {
  name        = "loadtest-staging"
  description = "Load generators"
  vpc_id      = aws_vpc.staging.id
  tags = {
    Environment = "staging"
  }
}

resource "aws_security_group" "search_dev" {
  name        = "search-dev"
  description = "Search cluster (dev)"
  vpc_id      = aws_vpc.dev.id
  tags = {
    Environment = "dev"
  }
}

resource "aws_security_group_rule" "search_dev_from_loadtest" {
  type                     = "ingress"
  from_port                = 9200
  to_port                  = 9200
  protocol                 = "tcp"
  security_group_id        = aws_security_group.search_dev.id
  source_security_group_id = aws_security_group.loadtest_staging.id
  description              = "Elasticsearch from staging load generators"
}

# --- "product-catalog" (no tag, dev VPC) -> dev ---------------------------

resource "aws_security_group" "product_catalog" {
  name        = "product-catalog"
  description = "Product catalog service"
  vpc_id      = aws_vpc.dev.id
}

resource "aws_security_group" "catalog_cache_dev" {
  name        = "catalog-cache-dev"
  description = "Catalog Redis (dev)"
  vpc_id      = aws_vpc.dev.id
  tags = {
    Environment = "dev"
  }
}

resource "aws_security_group_rule" "catalog_cache_from_catalog" {
  type                     = "ingress"
  from_port                = 6379
  to_port                  = 6379
  protocol                 = "tcp"
  security_group_id        = aws_security_group.catalog_cache_dev.id
  source_security_group_id = aws_security_group.product_catalog.id
  description              = "Redis from product-catalog"
}

# --- "checkout-preprod" (no tag, staging VPC) -> staging ------------------

resource "aws_security_group" "checkout_preprod" {
  name        = "checkout-preprod"
  description = "Checkout service (pre-production)"
  vpc_id      = aws_vpc.staging.id
}

resource "aws_security_group" "payments_staging" {
  name        = "payments-staging"
  description = "Payments API (staging)"
  vpc_id      = aws_vpc.staging.id
  tags = {
    Environment = "staging"
  }
}

resource "aws_vpc_security_group_ingress_rule" "payments_from_checkout" {
  security_group_id            = aws_security_group.payments_staging.id
  referenced_security_group_id = aws_security_group.checkout_preprod.id
  ip_protocol                  = "tcp"
  from_port                    = 8443
  to_port                      = 8443
  description                  = "Payments API from checkout-preprod"
}
