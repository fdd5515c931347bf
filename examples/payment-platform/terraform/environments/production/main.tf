terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

module "eks_cluster" {
  source = "../../modules/eks-cluster"

  environment = "production"
  application = "payment-platform"
  cost_center = "payments"

  vpc_cidr             = "10.20.0.0/16"
  availability_zones   = ["us-east-1a", "us-east-1b"]
  private_subnet_cidrs = ["10.20.1.0/24", "10.20.2.0/24"]
  public_subnet_cidrs  = ["10.20.101.0/24", "10.20.102.0/24"]

  node_desired_size = 3
  node_min_size     = 3
  node_max_size     = 6
  instance_types    = ["m5.xlarge"]
}

module "networking" {
  source = "../../modules/networking"

  name                    = module.eks_cluster.cluster_name
  region                  = "us-east-1"
  vpc_id                  = module.eks_cluster.vpc_id
  vpc_cidr                = module.eks_cluster.vpc_cidr
  private_subnet_ids      = module.eks_cluster.private_subnet_ids
  private_route_table_ids = module.eks_cluster.private_route_table_ids
  tags                    = module.eks_cluster.tags
}
