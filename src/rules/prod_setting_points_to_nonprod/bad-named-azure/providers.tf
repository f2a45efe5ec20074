terraform {
  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
    }
  }
}

# The subscription and credentials come from the environment (ARM_SUBSCRIPTION_ID,
# az login): the plan records no provider settings.
provider "azurerm" {
  features {}
}
