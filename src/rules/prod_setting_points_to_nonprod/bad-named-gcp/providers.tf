terraform {
  required_providers {
    google = {
      source = "hashicorp/google"
    }
  }
}

# Credentials, and the project and region of resources that name none, come from
# the environment (GOOGLE_CREDENTIALS, GOOGLE_PROJECT, GOOGLE_REGION): the plan
# records no provider settings.
provider "google" {}
