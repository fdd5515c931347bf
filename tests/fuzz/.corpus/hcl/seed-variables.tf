variable "environment" {
  default = "production"
}

variable "retention_days" {
  type = number
}

variable "kms_key_arn" {
  type = string
}

locals {
  prefix = "acme-${var.environment}"
  tags = {
    Environment = var.environment
    Team        = "payments"
  }
}

provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "dr"
  region = "eu-central-1"
}
