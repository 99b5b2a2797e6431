#!/usr/bin/env bash
# Validates keywarden's SARIF (scan, staged and history) with Microsoft's SARIF multitool,
# a validator independent of the JSON-schema check in the test suite. The multitool
# exits 0 even when it reports errors, so its output is read instead.
# Usage: tests/sarif-multitool.sh PATH/TO/keywarden-binary
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

npm install --silent --no-audit --no-fund --prefix "$work/mt" @microsoft/sarif-multitool >/dev/null
mt="$work/mt/node_modules/.bin/sarif-multitool"

# A scratch repository with a fake secret in a commit, another staged, one in a message.
repo="$work/repo"
git init -q -b main "$repo"
git -C "$repo" config user.email ci@keywarden.invalid
git -C "$repo" config user.name "keywarden ci"
tail=$(head -c 96 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 33)
printf 'TELEGRAM_BOT_TOKEN=%s:AA%s\n' "$((7000000000 + RANDOM))" "$tail" > "$repo/bot.env"
git -C "$repo" add bot.env
git -C "$repo" commit -q -m "token in the message too: $((6000000000 + RANDOM)):AA$tail"
printf 'BOT_TOKEN=%s:AA%s\n' "$((8000000000 + RANDOM))" "$tail" > "$repo/staged.env"
git -C "$repo" add staged.env

"$bin" scan --no-config --format sarif "$here/corpus/positives" > "$work/scan.sarif" || true
(cd "$repo" && "$bin" staged --format sarif > "$work/staged.sarif") || true
"$bin" history --no-config --progress never --format sarif "$repo" > "$work/history.sarif" || true

failed=0
for log in scan staged history; do
  out=$("$mt" validate "$work/$log.sarif" 2>&1)
  if ! grep -q "Done. 1 files scanned" <<<"$out" || grep -q ": error " <<<"$out"; then
    echo "FAIL: $log.sarif" >&2
    echo "$out" >&2
    failed=$((failed + 1))
  fi
done
echo "sarif multitool: $((3 - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
