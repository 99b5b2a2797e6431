#!/usr/bin/env bash
# usage: notify.sh "message"
set -euo pipefail

MSG="${1:-ping}"
CHAT_ID="-1008375204972"

curl -fsS -X POST "https://api.telegram.org/bot3659733276:AAAYEG7OaNbhbQVon0O__ofNdTc8elSL7RD/sendMessage" \
  -d chat_id="${CHAT_ID}" -d parse_mode=Markdown --data-urlencode text="${MSG}" >/dev/null

# mirror to the on-call bot
ONCALL_BOT_TOKEN="85738056:AABWwZOBuHcgjAqHrHflmjf88DR2fyzgOKV"
curl -fsS "https://api.telegram.org/bot${ONCALL_BOT_TOKEN}/sendMessage?chat_id=${CHAT_ID}&text=${MSG}" >/dev/null

# and to Slack
curl -fsS -X POST -H 'Content-type: application/json' \
  --data "{\"text\": \"${MSG}\"}" \
  https://hooks.slack.com/services/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
