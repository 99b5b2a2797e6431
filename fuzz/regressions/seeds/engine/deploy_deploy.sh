#!/usr/bin/env bash
# Blue/green deploy of the trading stack. Run from the bastion.
set -euo pipefail

ENV="${1:-staging}"
export AWS_ACCESS_KEY_ID=AKIA5BPE472B6J3KUACN
export AWS_SECRET_ACCESS_KEY=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
export AWS_DEFAULT_REGION=eu-central-1

export VAULT_ADDR=https://vault.korvex.internal:8200
export VAULT_TOKEN=s.ubMGlXHlRUnAZMBtqNwBGCCe

# smoke-test keys for the Binance testnet
export BINANCE_TESTNET_API_KEY=GXF4i9wk7hsNwzT9K7joJ3xxovQCtjpGKeuk3qN1JPZB8gjzr5y0NWwpy1IzcspH
export BINANCE_TESTNET_SECRET_KEY=7xRQftiLkfGVIV9eEDRuHqlKKkJMj8JiqC7Vn9hzqHFXw9BcVZJJlsysUud3d1JF

echo "glpat-DifEB2Xe1FSaqJGPn8ic" | docker login registry.gitlab.com -u deploy-bot --password-stdin
REGISTRY_PASSWORD='BZ*uwMNLU.i9BY6NgAIDOPggU'
echo "${REGISTRY_PASSWORD}" | docker login harbor.korvex.internal -u robot\$deploy --password-stdin

git clone "https://x-access-token:ghs_kFgfOZ0HhsDDggegr5Kdes6MWFzg9a0i3nS3@github.com/korvex/helm-charts.git" /tmp/charts
helm upgrade --install trading-api /tmp/charts/trading-api -n trading -f "values-${ENV}.yaml"

# post-deploy checks
curl -fsS -H "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJrb3J2ZXgtZ2F0ZXdheSIsInN1YiI6InN2Yy1yaXNrLWVuZ2luZSIsImF1ZCI6ImRhc2hib2FyZCIsImlhdCI6MTczMzk0MzE1OSwiZXhwIjoxNzMzOTQ0OTU5LCJqdGkiOiJiNDQ3ZTIyOS1hMWMzLTRiY2QtYWI5OS1lNTEzYmY5YmUyNmMiLCJyb2xlcyI6WyJSRUFEX09OTFkiXX0.-9v-Lo6ryMKPjNDJKXlSwqWT_WlPU8wBdVeAQKbG4UQ" \
  "https://trading-api.${ENV}.korvex.io/internal/health/deep"
curl -fsS -H "Authorization: ApiKey VnZqQkxxQlB2Yzgwc1pBSU4wVl86SlMzRTVBYy1WYlI5cEExYi1Heno3cQ==" \
  "https://es-http.logging.svc:9200/_cluster/health?wait_for_status=yellow"

curl -fsS "https://api.telegram.org/bot8161986565:AAa-5f7BeiD0PqB-jQ5pYrg4GPnupEUMo0E/sendMessage?chat_id=-1006370696202&text=deployed%20${ENV}"
