terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
    azurerm = {
      source = "hashicorp/azurerm"
    }
    google = {
      source = "hashicorp/google"
    }
    kubernetes = {
      source = "hashicorp/kubernetes"
    }
    helm = {
      source = "hashicorp/helm"
    }
  }
}

# Credentials, region, subscription, project and cluster come from the
# environment (AWS_REGION, ARM_SUBSCRIPTION_ID, GOOGLE_PROJECT, GOOGLE_REGION,
# KUBE_CONFIG_PATH): the plan records no provider settings.
provider "aws" {}

provider "azurerm" {
  features {}
}

provider "google" {}

provider "kubernetes" {}

provider "helm" {}
