#!/bin/sh
# dump all dashboards to ./dashboards for review
GRAFANA_URL="https://grafana.korvex.io"
GRAFANA_TOKEN="glsa_jG2TvXFevwCyMTBiAV0UaI056azXwkFb_d6de07f0"

mkdir -p dashboards
for uid in $(curl -s -H "Authorization: Bearer ${GRAFANA_TOKEN}" "${GRAFANA_URL}/api/search?type=dash-db" | jq -r '.[].uid'); do
  curl -s -H "Authorization: Bearer ${GRAFANA_TOKEN}" "${GRAFANA_URL}/api/dashboards/uid/${uid}" | jq '.dashboard' > "dashboards/${uid}.json"
done
