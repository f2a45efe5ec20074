terraform {
  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
    }
    google = {
      source = "hashicorp/google"
    }
    kubernetes = {
      source = "hashicorp/kubernetes"
    }
  }
}

# Credentials, subscription, project, region and cluster come from the
# environment (ARM_SUBSCRIPTION_ID, GOOGLE_CREDENTIALS, GOOGLE_PROJECT,
# GOOGLE_REGION, KUBE_CONFIG_PATH): the plan records no provider settings.
provider "azurerm" {
  features {}
}

provider "google" {}

provider "kubernetes" {}
