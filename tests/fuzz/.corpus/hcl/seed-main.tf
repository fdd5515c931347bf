resource "aws_s3_bucket" "audit" {
  bucket = "${local.prefix}-audit"
  tags   = local.tags
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/payments/api"
  retention_in_days = var.retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_security_group" "api" {
  name = "api"

  dynamic "ingress" {
    for_each = [22, 443]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_kms_key" "replica_source" {
  provider            = aws.dr
  enable_key_rotation = false
  count               = 0
}

resource "aws_kms_key" "dr" {
  provider            = aws.dr
  enable_key_rotation = var.environment == "production"
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/${var.environment}-app" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}
