variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "trading" {
  password = var.db_password
}

resource "kubernetes_secret" "feed" {
  data = {
    api_token = data.aws_secretsmanager_secret_version.feed.secret_string
    api_key   = local.exchange_api_key
  }
}
