# EW201 good case: settings that stay in their environment, and traps.

resource "aws_db_instance" "prod" {
  identifier          = "orders-prod"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  allocated_storage   = 20
  username            = "orders"
  password            = "do-not-print-this-password"
  skip_final_snapshot = true
  tags = {
    Environment = "prod"
  }
}

resource "aws_lambda_function" "orders_api" {
  function_name = "orders-api-prod"
  role          = "arn:aws:iam::111111111111:role/orders-api"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"
  tags = {
    Environment = "prod"
  }

  environment {
    variables = {
      # Production to production, through the configuration.
      DATABASE_URL = "postgresql://orders@${aws_db_instance.prod.address}:5432/orders"
      # A public SaaS API is not an environment.
      PAYMENTS_API = "https://api.stripe.com/v1"
      # `product` is not `prod`, and nothing places this host.
      CATALOG_URL = "https://product-catalog.internal.example.com/api"
    }
  }
}

# A preprod app pointing at staging: non-production to non-production.
resource "aws_lambda_function" "orders_preprod" {
  function_name = "orders-api-preprod"
  role          = "arn:aws:iam::222222222222:role/orders-api"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "app.zip"

  environment {
    variables = {
      DATABASE_URL = "postgresql://orders@orders-db.staging.example.com:5432/orders"
    }
  }
}
