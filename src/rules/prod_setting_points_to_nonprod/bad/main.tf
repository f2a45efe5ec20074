# EW201 bad case: production settings that point at staging, in one plan. The
# staging database is created here too, so its address is unknown at plan time:
# envwall follows the configuration to it.

resource "aws_db_instance" "staging" {
  identifier          = "orders-staging"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  allocated_storage   = 20
  username            = "orders"
  password            = "do-not-print-this-password"
  skip_final_snapshot = true
  tags = {
    Environment = "staging"
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
      DATABASE_URL = "postgresql://orders:hunter2@${aws_db_instance.staging.address}:5432/orders"
      LOG_LEVEL    = "info"
    }
  }
}

resource "aws_ecs_task_definition" "worker" {
  family = "orders-worker-prod"
  tags = {
    Environment = "prod"
  }
  container_definitions = jsonencode([{
    name  = "worker"
    image = "orders/worker:1.4"
    environment = [
      { name = "REDIS_URL", value = "rediss://:redis-secret@cache.staging.example.com:6380/0" },
      { name = "PAYMENTS_API", value = "https://api.stripe.com/v1" },
    ]
  }])
}

resource "aws_ssm_parameter" "db_url" {
  name  = "/prod/orders/db-host"
  type  = "String"
  value = "orders-db.stg.example.com:5432"
}

resource "aws_route53_record" "api" {
  zone_id = "Z0123456789PRODZONE"
  name    = "api.prod.example.com"
  type    = "CNAME"
  ttl     = 300
  records = ["api-lb.staging.example.com"]
}
