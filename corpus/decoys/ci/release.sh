#!/usr/bin/env bash
set -euo pipefail

: "${GITHUB_TOKEN:?GITHUB_TOKEN must be set}"
export GH_TOKEN="${GITHUB_TOKEN}"
# example: GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX ./ci/release.sh

BASE_COMMIT=581b2f5021e2acf8a0ebadba0b09a5bd72731575
git diff --stat "${BASE_COMMIT}..HEAD"

# pinned Binance connector jar
CONNECTOR_URL=https://repo1.maven.org/maven2/io/github/binance/binance-connector-java/3.2.0/binance-connector-java-3.2.0.jar
CONNECTOR_SHA256=65e20337dd73f50d30892bedac632d305a87d44c77d841554d74f6454e93b3b4
curl -fsSLo /tmp/connector.jar "${CONNECTOR_URL}"
echo "${CONNECTOR_SHA256}  /tmp/connector.jar" | sha256sum -c -

checksum="cc0ca036fabd35498c14767ce2f809bf7cc98214a8d4371abd89111762dca54f"
docker pull ghcr.io/korvex/trading-api@sha256:c2bf9381912fc96f2ba48e31189613167d8c61d29b216495f4b421bd149e903d
gh release create "v${VERSION}" --target e3fe6d0c9a821f2f13dc50647cf490a99e8d59b6
