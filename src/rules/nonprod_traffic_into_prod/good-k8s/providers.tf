terraform {
  required_providers {
    kubernetes = {
      source = "hashicorp/kubernetes"
    }
  }
}

# The cluster comes from the environment (KUBE_CONFIG_PATH, KUBE_CTX): the plan
# records no provider settings.
provider "kubernetes" {}
