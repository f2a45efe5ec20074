terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
    google = {
      source = "hashicorp/google"
    }
    kubernetes = {
      source = "hashicorp/kubernetes"
    }
  }
}

# Credentials, region, project and cluster come from the environment
# (AWS_REGION, GOOGLE_PROJECT, GOOGLE_REGION, KUBE_CONFIG_PATH): the plan records
# no provider settings. The aws provider stays required: it destroys
# aws_lambda_function.legacy, which only the state still holds.
provider "aws" {}

provider "google" {}

provider "kubernetes" {}
