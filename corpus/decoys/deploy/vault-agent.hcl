vault {
  address = "https://vault.korvex.internal:8200"
}

auto_auth {
  method "kubernetes" {
    config = {
      role = "trading-api"
    }
  }
  sink "file" {
    config = {
      path = "/home/vault/.vault-token"
    }
  }
}

template {
  contents    = "{{ with secret \"secret/data/trading-api\" }}BINANCE_API_KEY={{ .Data.data.binance_api_key }}{{ end }}"
  destination = "/vault/secrets/binance.env"
}
