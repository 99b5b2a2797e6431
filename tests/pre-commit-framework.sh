#!/usr/bin/env bash
# Runs keywarden through the pre-commit framework (https://pre-commit.com) against a
# scratch repository: a staged fake secret must block the commit, a clean change must pass.
# Usage: tests/pre-commit-framework.sh PATH/TO/keywarden-binary
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$bin" ] || { echo "pre-commit test: $bin is not an executable" >&2; exit 2; }

if ! command -v pre-commit >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check pre-commit
fi
export PATH="$(dirname "$bin"):$PATH"
rev=$(git -C "$here" rev-parse HEAD)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q -b main repo
cd repo
git config user.email ci@keywarden.invalid
git config user.name "keywarden ci"
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $here
    rev: $rev
    hooks:
      - id: keywarden
YAML
git add .pre-commit-config.yaml
git commit -q --no-verify -m "pre-commit config"
pre-commit install >/dev/null

# A fake bot token, assembled at run time so this script holds no token literal.
token="$((6000000000 + RANDOM)):AA$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 33)"
printf 'TELEGRAM_BOT_TOKEN=%s\n' "$token" > bot.env
git add bot.env
if git commit -q -m "add a bot token" >"$work/blocked.log" 2>&1; then
  echo "FAIL: the commit with a staged secret went through" >&2
  cat "$work/blocked.log" >&2
  exit 1
fi
grep -q "telegram-bot-token" "$work/blocked.log" || {
  echo "FAIL: the blocked commit did not name the rule" >&2; cat "$work/blocked.log" >&2; exit 1; }

printf 'TELEGRAM_BOT_TOKEN=${TELEGRAM_BOT_TOKEN}\n' > bot.env
git add bot.env
git commit -q -m "read the bot token from the environment" >"$work/clean.log" 2>&1 || {
  echo "FAIL: a clean commit was blocked" >&2; cat "$work/clean.log" >&2; exit 1; }
echo "pre-commit framework: 2 passed, 0 failed"
