#!/usr/bin/env bash
set -euo pipefail
: "${EXCHANGE_API_KEY:?set it}"
export API_TOKEN="${API_TOKEN:-}"
export DB_PASSWORD="$(pass show trading/db)"
export FEED_SECRET=$(vault kv get -field=secret kv/feed)
curl -u "$NEXUS_USER:$NEXUS_PASSWORD" https://nexus.korvex.internal/
docker run -e API_TOKEN="$API_TOKEN" md-feed:1.4
