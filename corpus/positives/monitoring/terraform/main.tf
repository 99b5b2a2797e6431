terraform {
  required_providers {
    grafana   = { source = "grafana/grafana", version = "~> 3.7" }
    pagerduty = { source = "PagerDuty/pagerduty", version = "~> 3.15" }
  }
}

locals {
  pagerduty_token = "u+6gOKbbWmEb94s-ZC9S"
}

provider "grafana" {
  url  = "https://grafana.korvex.io"
  auth = "glsa_TV6kHWOp3yw5k71d0CUFEGJQTWNa86yG_d09b102b"
}

provider "pagerduty" {
  token = local.pagerduty_token
}

resource "grafana_folder" "trading" {
  title = "Trading"
}
