#!/usr/bin/env bash
docker run -e FEED_API_TOKEN=PXiCPwrrTmwhqSJeOmLTc0Zw4Zs ghcr.io/korvex/md-feed:1.4.2
curl -u ops:RE7ze9whuIE7ionPdDrawRsHVmS https://nexus.korvex.internal/service/rest/v1/status
curl -H "Authorization: Bearer Aijkw5nxJuA_BfgUBNHEHLhED57RjOIr" https://api.korvex.io/v1/positions
git clone https://oauth2:z~KZyVAo9axphhZtsjbKYj1@gitlab.korvex.internal/trading/risk.git
