# EW201 bad case: production settings pointing at staging, one per resource
# family. Each resource is production (its name, and its tags where the type has
# them) and holds a staging host in a setting: an environment variable, a
# connection property, a secret, a subscription endpoint, an origin, chart
# values or a DNS record.
#
# The generated plan.json also gives an Environment tag to four types that take
# no tags (the secret version, the SNS subscription, the Cloud Function and the
# App Engine version); it cannot be written here.

# --- AWS ---------------------------------------------------------------------

resource "aws_batch_job_definition" "report" {
  name = "report-prod"
  type = "container"

  container_properties = jsonencode({
    image = "acme/report:1"
    environment = [
      { name = "DB_HOST", value = "orders-db.staging.example.com" },
    ]
  })

  tags = {
    Environment = "prod"
  }
}

resource "aws_apprunner_service" "web" {
  service_name = "web-prod"

  source_configuration {
    auto_deployments_enabled = false

    image_repository {
      image_identifier      = "acme/web:1"
      image_repository_type = "ECR_PUBLIC"

      image_configuration {
        port = "8080"

        runtime_environment_variables = {
          API_URL = "https://api.staging.example.com"
        }
      }
    }
  }

  tags = {
    Environment = "prod"
  }
}

resource "aws_codebuild_project" "migrate" {
  name         = "migrate-prod"
  service_role = "arn:aws:iam::111111111111:role/codebuild-migrate-prod"

  artifacts {
    type = "NO_ARTIFACTS"
  }

  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/standard:7.0"
    type         = "LINUX_CONTAINER"

    environment_variable {
      name  = "DATABASE_URL"
      value = "postgresql://orders-db.staging.example.com/orders"
      type  = "PLAINTEXT"
    }
  }

  source {
    type      = "NO_SOURCE"
    buildspec = <<-YAML
      version: 0.2
      phases:
        build:
          commands:
            - ./migrate
    YAML
  }

  tags = {
    Environment = "prod"
  }
}

resource "aws_glue_connection" "warehouse" {
  name = "warehouse-prod"

  connection_properties = {
    JDBC_CONNECTION_URL = "jdbc:postgresql://orders-db.staging.example.com:5432/orders"
    USERNAME            = "etl"
  }

  tags = {
    Environment = "prod"
  }
}

resource "aws_dms_endpoint" "target" {
  endpoint_id   = "orders-prod-target"
  endpoint_type = "target"
  engine_name   = "postgres"
  server_name   = "orders-db.staging.example.com"
  port          = 5432
  database_name = "orders"

  tags = {
    Environment = "prod"
  }
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id = "prod/orders/db"

  secret_string = jsonencode({
    engine   = "postgres"
    host     = "orders-db.staging.example.com"
    port     = 5432
    username = "orders"
    password = "pl4nted-pw"
  })
}

resource "aws_sns_topic_subscription" "hook" {
  topic_arn = "arn:aws:sns:eu-west-1:111111111111:orders-prod"
  protocol  = "https"
  endpoint  = "https://hooks.staging.example.com/orders"
}

resource "aws_cloudfront_distribution" "cdn" {
  comment = "orders-prod"
  enabled = true

  origin {
    origin_id   = "web"
    domain_name = "web-lb.staging.example.com"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id       = "web"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "658327ea-f89d-4fab-a63d-7e88639e58f6" # Managed-CachingOptimized
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }

  tags = {
    Environment = "prod"
  }
}

# --- Azure -------------------------------------------------------------------

resource "azurerm_container_app" "api" {
  name                         = "ca-orders-prod"
  resource_group_name          = "rg-orders-prod"
  container_app_environment_id = "/subscriptions/0000/resourceGroups/rg-orders-prod/providers/Microsoft.App/managedEnvironments/cae-orders-prod"
  revision_mode                = "Single"

  template {
    container {
      name   = "api"
      image  = "acme/api:1"
      cpu    = 0.25
      memory = "0.5Gi"

      env {
        name  = "REDIS_HOST"
        value = "orders-stg.redis.cache.windows.net"
      }
    }
  }

  tags = {
    Environment = "prod"
  }
}

resource "azurerm_dns_cname_record" "api" {
  name                = "api-prod"
  zone_name           = "prod.example.com"
  resource_group_name = "rg-dns-prod"
  ttl                 = 300
  record              = "app-orders-staging.azurewebsites.net"

  tags = {
    environment = "Production"
  }
}

# --- Google Cloud ------------------------------------------------------------

resource "google_cloudfunctions2_function" "ingest" {
  name     = "ingest-prod"
  location = "europe-west1"

  service_config {
    environment_variables = {
      BROKER_URL = "amqps://mq.staging.example.com/orders"
    }
  }
}

resource "google_app_engine_standard_app_version" "v1" {
  version_id = "v1"
  service    = "orders-prod"
  runtime    = "python312"

  entrypoint {
    shell = "gunicorn -b :$PORT main:app"
  }

  deployment {
    zip {
      source_url = "https://storage.googleapis.com/acme-orders-builds/orders-v1.zip"
    }
  }

  env_variables = {
    CACHE_ADDR = "cache.staging.example.com:6379"
  }
}

resource "google_dns_record_set" "api" {
  name         = "api.prod.example.com."
  managed_zone = "prod-zone"
  type         = "CNAME"
  ttl          = 300
  rrdatas      = ["api-lb.staging.example.com."]
}

# --- Kubernetes and Helm -----------------------------------------------------

resource "kubernetes_config_map_v1" "settings" {
  metadata {
    name      = "orders-settings"
    namespace = "orders-prod"

    labels = {
      env = "prod"
    }
  }

  data = {
    DATABASE_URL = "postgresql://orders-db.staging.example.com/orders"
  }
}

resource "kubernetes_cron_job_v1" "cleanup" {
  metadata {
    name      = "cleanup"
    namespace = "orders-prod"

    labels = {
      env = "prod"
    }
  }

  spec {
    schedule = "0 3 * * *"

    job_template {
      metadata {}

      spec {
        template {
          metadata {}

          spec {
            container {
              name  = "cleanup"
              image = "acme/cleanup:1"

              env {
                name  = "DB_HOST"
                value = "orders-db.staging.example.com"
              }
            }
          }
        }
      }
    }
  }
}

resource "helm_release" "orders" {
  name      = "orders-prod"
  namespace = "orders-prod"
  chart     = "orders"

  values = [
    <<-YAML
    database:
      url: postgresql://orders-db.staging.example.com/orders
    replicas: 3
    YAML
  ]
}
