"""Decoy files: nothing in here may be reported. Each ⟦kind⟧ tag marks one decoy case.

Only «_:filler» markers (unlabeled) are allowed in these templates.
"""

FILES = []


def f(path, text, **opts):
    FILES.append((path, text, opts))


X64 = "x" * 64

# =============================================================================
# env templates and placeholders
# =============================================================================

f("trading-api/.env.example", r'''
# Copy to .env and fill in. Never commit the real file.
SPRING_PROFILES_ACTIVE=dev
SERVER_PORT=8080

# Binance: create keys at https://www.binance.com/en/my/settings/api-management
BINANCE_API_KEY=your_api_key ⟦placeholder⟧
BINANCE_SECRET_KEY=<API_SECRET> ⟦placeholder⟧
# BINANCE_API_KEY=''' + X64 + r''' ⟦placeholder⟧
BINANCE_BASE_URL=https://testnet.binance.vision

DATABASE_URL=postgres://trading_app:${DB_PASSWORD}@localhost:5432/trading ⟦env-ref⟧
REDIS_PASSWORD= ⟦empty⟧
JWT_SECRET=changeme ⟦placeholder⟧
TELEGRAM_BOT_TOKEN=123456789:your-telegram-bot-token ⟦placeholder⟧
TELEGRAM_API_ID=1234567
TELEGRAM_API_HASH=0123456789abcdef0123456789abcdef ⟦sequential⟧
SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX ⟦placeholder⟧
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE ⟦aws-example⟧
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ⟦aws-example⟧
GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ⟦placeholder⟧
OPENAI_API_KEY=sk-... ⟦placeholder⟧
ELASTIC_PASSWORD=changeme ⟦placeholder⟧
GF_SECURITY_ADMIN_PASSWORD=admin ⟦placeholder⟧
VAULT_TOKEN=<VAULT_TOKEN> ⟦placeholder⟧
STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx ⟦placeholder⟧
PAGERDUTY_API_KEY=REDACTED ⟦redacted⟧
OPSGENIE_API_KEY=00000000-0000-0000-0000-000000000000 ⟦placeholder⟧
''')

f("market-data/testnet.env.sample", r'''
# Binance Spot Testnet sample -- generate your own keys on testnet.binance.vision
BASE_URL=https://testnet.binance.vision
API_KEY=abcdef1234567890abcdef1234567890abcdef1234567890abcdef1234567890 ⟦sequential⟧
API_SECRET=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef ⟦sequential⟧
SYMBOLS=BTCUSDT,ETHUSDT
''')

f("market-data/.env.ci", r'''
# CI injects the real values from the secret store
BINANCE_API_KEY=${BINANCE_API_KEY} ⟦env-ref⟧
BINANCE_API_SECRET=${BINANCE_API_SECRET} ⟦env-ref⟧
DATABASE_URL=postgresql://marketdata:${PGPASSWORD}@postgres:5432/marketdata ⟦env-ref⟧
REDIS_URL=redis://redis:6379/0 ⟦no-password⟧
JWT_SIGNING_KEY=${JWT_SIGNING_KEY:?missing} ⟦env-ref⟧
TELEGRAM_BOT_TOKEN=$TELEGRAM_BOT_TOKEN ⟦env-ref⟧
TELEGRAM_API_HASH=${TELEGRAM_API_HASH} ⟦env-ref⟧
ELASTIC_PASSWORD=******** ⟦masked⟧
AWS_SECRET_ACCESS_KEY=**************************************** ⟦masked⟧
''')

# =============================================================================
# Spring placeholders
# =============================================================================

f("trading-api/src/main/resources/application.yml", r'''
spring:
  application:
    name: trading-api
  datasource:
    url: jdbc:postgresql://${DB_HOST:localhost}:5432/trading ⟦env-ref⟧
    username: ${SPRING_DATASOURCE_USERNAME:trading}
    password: ${SPRING_DATASOURCE_PASSWORD:} ⟦spring-placeholder⟧
  data:
    redis:
      host: ${REDIS_HOST:localhost}
      password: "" ⟦empty⟧
  kafka:
    properties:
      sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="${KAFKA_USER}" password="${KAFKA_PASSWORD}"; ⟦env-ref⟧
  elasticsearch:
    uris: ${ES_URIS:http://localhost:9200}
    password: ${ELASTIC_PASSWORD} ⟦env-ref⟧
  rabbitmq:
    password: '' ⟦empty⟧

binance:
  base-url: https://api.binance.com
  api-key: ${BINANCE_API_KEY} ⟦env-ref⟧
  secret-key: ${BINANCE_SECRET_KEY:changeme} ⟦placeholder⟧

app:
  jwt:
    secret: ${JWT_SECRET} ⟦env-ref⟧
    expiration: 1800
  telegram:
    bot-token: ${TELEGRAM_BOT_TOKEN:} ⟦spring-placeholder⟧
''')

f("trading-api/src/main/resources/application.properties", r'''
spring.application.name=trading-api
spring.datasource.url=jdbc:postgresql://localhost:5432/trading?user=trading&password=${DB_PASSWORD} ⟦env-ref⟧
spring.datasource.username=${SPRING_DATASOURCE_USERNAME:trading}
spring.datasource.password=${SPRING_DATASOURCE_PASSWORD:} ⟦spring-placeholder⟧
spring.mail.password= ⟦empty⟧
spring.rabbitmq.password=${RABBITMQ_PASSWORD:guest} ⟦spring-placeholder⟧
spring.elasticsearch.password=${ELASTIC_PASSWORD} ⟦env-ref⟧
spring.kafka.properties.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_USER}" password="${KAFKA_PASSWORD}"; ⟦env-ref⟧
binance.api-key=${BINANCE_API_KEY} ⟦env-ref⟧
binance.secret=${BINANCE_SECRET:} ⟦spring-placeholder⟧
app.jwt.secret=${JWT_SECRET:} ⟦spring-placeholder⟧
stripe.secret-key=${STRIPE_SECRET_KEY} ⟦env-ref⟧
elasticsearch.api-key=${ES_API_KEY} ⟦env-ref⟧
spring.security.oauth2.client.registration.keycloak.client-secret=${KEYCLOAK_CLIENT_SECRET} ⟦env-ref⟧
''')

f("trading-api/src/main/resources/git.properties", r'''
#Generated by Git-Commit-Id-Plugin
git.branch=main
git.build.time=2024-11-04T10\:31\:07+0100
git.build.version=1.18.3
git.commit.id=«_:hex40» ⟦commit-id⟧
git.commit.id.abbrev=«_:hex7»
git.commit.message.short=PLAT-512 widen order book snapshot interval
git.commit.time=2024-11-04T10\:12\:44+0100
git.dirty=false
''')

f("trading-api/src/main/java/io/korvex/trading/config/TradingConfig.java", r'''
package io.korvex.trading.config;

import com.binance.connector.client.SpotClient;
import com.binance.connector.client.impl.SpotClientImpl;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class TradingConfig {

    private static final String TELEGRAM_TOKEN_ENV = "TELEGRAM_BOT_TOKEN"; ⟦name-only⟧
    private static final String JWT_SECRET_PROPERTY = "app.jwt.secret"; ⟦name-only⟧

    @Value("${binance.api-key}") ⟦spring-placeholder⟧
    private String apiKey;

    @Value("${binance.secret-key}") ⟦spring-placeholder⟧
    private String secretKey;

    @Bean
    public SpotClient spotClient() {
        return new SpotClientImpl(apiKey, secretKey); ⟦variable-args⟧
    }

    @Bean
    public String telegramBotToken() {
        String token = System.getenv("TELEGRAM_BOT_TOKEN"); ⟦env-ref⟧
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("TELEGRAM_BOT_TOKEN is not set, e.g. 123456789:your_token_here"); ⟦placeholder⟧
        }
        return token;
    }

    static String jwtSecret() {
        return System.getenv().getOrDefault("JWT_SECRET", "changeme"); ⟦placeholder⟧
    }

    static final String PASSWORD = ""; ⟦empty⟧
}
''')

# =============================================================================
# Python / JS / Go reading secrets from the environment
# =============================================================================

f("telegram-bot/bot.py", r'''
import os

from binance.client import Client
from telegram.ext import Application

TOKEN = os.environ["TELEGRAM_BOT_TOKEN"] ⟦env-ref⟧
API_ID = int(os.getenv("TELEGRAM_API_ID", "0"))
API_HASH = os.getenv("TELEGRAM_API_HASH") ⟦env-ref⟧
JWT_SECRET = os.environ.get("JWT_SECRET", "changeme") ⟦placeholder⟧
SEND_URL = f"https://api.telegram.org/bot{TOKEN}/sendMessage" ⟦template-url⟧
SESSION_ID = "«_:uuid»" ⟦uuid⟧

client = Client(os.environ["BINANCE_API_KEY"], os.environ["BINANCE_SECRET_KEY"]) ⟦env-ref⟧
testnet = Client(api_key=os.getenv("BINANCE_TESTNET_API_KEY"), api_secret=os.getenv("BINANCE_TESTNET_SECRET")) ⟦env-ref⟧


def main() -> None:
    app = Application.builder().token(TOKEN).build()
    app.run_polling()


if __name__ == "__main__":
    main()
''')

f("telegram-bot/tests/test_token_shapes.py", r'''
"""Parser tests: none of these strings is a valid bot token or api hash."""
import pytest

from bot.tokens import parse_token

BAD_TOKENS = [
    "«_:tg7»",  ⟦wrong-shape⟧
    "«_:tg7»",  ⟦wrong-shape⟧
    "«_:tg7»",  ⟦wrong-shape⟧
    "123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",  ⟦placeholder⟧
    "<BOT_ID>:<BOT_SECRET>",  ⟦placeholder⟧
]

API_HASH_EXAMPLE = "your_api_hash"  ⟦placeholder⟧
api_hash = "00000000000000000000000000000000"  ⟦placeholder⟧


@pytest.mark.parametrize("raw", BAD_TOKENS)
def test_rejects(raw):
    with pytest.raises(ValueError):
        parse_token(raw)
''')

f("market-data/app/settings.py", r'''
import os

from pydantic import SecretStr
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    binance_api_key: SecretStr = SecretStr("") ⟦empty⟧
    binance_api_secret: SecretStr = SecretStr("") ⟦empty⟧
    jwt_secret: str = os.getenv("JWT_SECRET", "") ⟦env-ref⟧
    client_secret: str = "<CLIENT_SECRET>" ⟦placeholder⟧
    database_url: str = "postgresql://postgres:postgres@localhost:5432/marketdata" ⟦weak-default⟧
    openai_api_key: str = "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" ⟦placeholder⟧
    anthropic_api_key: str = "sk-ant-..." ⟦placeholder⟧


def describe(s: Settings) -> str:
    return f"api key set: {bool(s.binance_api_key.get_secret_value())}, secret: {s.binance_api_secret}"  ⟦secretstr-repr⟧
''')

f("web/dashboard/src/config.ts", r'''
export const config = {
  apiBaseUrl: process.env.VITE_API_BASE_URL ?? "http://localhost:8080",
  binanceApiKey: process.env.BINANCE_API_KEY, ⟦env-ref⟧
  binanceSecret: process.env.BINANCE_SECRET_KEY!, ⟦env-ref⟧
  telegramBotToken: import.meta.env.VITE_TELEGRAM_BOT_TOKEN as string, ⟦env-ref⟧
  stripeKey: process.env["STRIPE_SECRET_KEY"] ?? "", ⟦env-ref⟧
  jwtSecret: process.env.JWT_SECRET || "dev-secret", ⟦placeholder⟧
  sentryDsn: "", ⟦empty⟧
};

export const API_KEY_HEADER = "X-MBX-APIKEY"; ⟦name-only⟧
export const PASSWORD_MIN_LENGTH = 12;
''')

f("gateway/config.go", r'''
package main

import "os"

type Config struct {
	BinanceAPIKey    string
	BinanceSecretKey string
	TelegramToken    string
	JWTSecret        []byte
	RedisURL         string
}

func load() Config {
	return Config{
		BinanceAPIKey:    os.Getenv("BINANCE_API_KEY"), ⟦env-ref⟧
		BinanceSecretKey: os.Getenv("BINANCE_SECRET_KEY"), ⟦env-ref⟧
		TelegramToken:    os.Getenv("TELEGRAM_BOT_TOKEN"), ⟦env-ref⟧
		JWTSecret:        []byte(os.Getenv("JWT_SECRET")), ⟦env-ref⟧
		RedisURL:         getenv("REDIS_URL", "redis://localhost:6379/0"), ⟦no-password⟧
	}
}

func getenv(k, def string) string {
	if v, ok := os.LookupEnv(k); ok {
		return v
	}
	return def
}

const adminPassword = "REPLACE_ME" ⟦placeholder⟧
''')

# =============================================================================
# lockfiles and checksums
# =============================================================================

_npm_pkgs = [("axios", "1.7.7"), ("follow-redirects", "1.15.9"), ("form-data", "4.0.1"),
             ("proxy-from-env", "1.1.0"), ("asynckit", "0.4.0"), ("combined-stream", "1.0.8"),
             ("delayed-stream", "1.0.0"), ("mime-types", "2.1.35"), ("mime-db", "1.52.0"),
             ("lightweight-charts", "4.2.1"), ("fancy-canvas", "2.1.0"), ("zustand", "4.5.5"),
             ("use-sync-external-store", "1.2.2"), ("dayjs", "1.11.13")]
_npm_entries = []
for _name, _ver in _npm_pkgs:
    _npm_entries.append(f'''    "node_modules/{_name}": {{
      "version": "{_ver}",
      "resolved": "https://registry.npmjs.org/{_name}/-/{_name}-{_ver}.tgz",
      "integrity": "«_:sha512»",  ⟦lockfile-hash⟧
      "license": "MIT"
    }}''')
f("web/dashboard/package-lock.json", '''
{
  "name": "korvex-dashboard",
  "version": "0.9.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "korvex-dashboard",
      "version": "0.9.0",
      "dependencies": {
        "axios": "^1.7.7",
        "lightweight-charts": "^4.2.1",
        "zustand": "^4.5.5",
        "dayjs": "^1.11.13"
      }
    },
''' + ",\n".join(_npm_entries) + '''
  }
}
''')

_crates = [("aho-corasick", "1.1.3"), ("base64", "0.22.1"), ("binance-spot-connector-rust", "1.0.1"),
           ("bytes", "1.8.0"), ("hmac", "0.12.1"), ("memchr", "2.7.4"), ("serde", "1.0.214"),
           ("serde_json", "1.0.132"), ("sha2", "0.10.8"), ("tokio", "1.41.0"), ("tungstenite", "0.24.0")]
f("risk-engine/Cargo.lock", '''
# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 4
''' + "".join(f'''
[[package]]
name = "{n}"
version = "{v}"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "«_:hex64»" ⟦lockfile-hash⟧
''' for n, v in _crates) + '''
[[package]]
name = "risk-engine"
version = "0.3.0"
dependencies = [
 "binance-spot-connector-rust",
 "serde",
 "tokio",
]
''')

_py = [("anyio", "4.6.2", "py3-none-any"), ("fastapi", "0.115.4", "py3-none-any"),
       ("httpx", "0.27.2", "py3-none-any"), ("pydantic", "2.9.2", "py3-none-any"),
       ("python-binance", "1.0.21", "py2.py3-none-any"), ("starlette", "0.41.2", "py3-none-any")]
f("market-data/poetry.lock", '''
# This file is automatically @generated by Poetry 1.8.4 and should not be changed by hand.
''' + "".join(f'''
[[package]]
name = "{n}"
version = "{v}"
description = ""
optional = false
python-versions = ">=3.8"
files = [
    {{file = "{n.replace('-', '_')}-{v}-{tag}.whl", hash = "sha256:«_:hex64»"}}, ⟦lockfile-hash⟧
    {{file = "{n.replace('-', '_')}-{v}.tar.gz", hash = "sha256:«_:hex64»"}}, ⟦lockfile-hash⟧
]
''' for n, v, tag in _py) + '''
[metadata]
lock-version = "2.0"
python-versions = "^3.11"
content-hash = "«_:hex64»" ⟦lockfile-hash⟧
''')

_go = [("github.com/adshao/go-binance/v2", "v2.6.1"), ("github.com/golang-jwt/jwt/v5", "v5.2.1"),
       ("github.com/gorilla/websocket", "v1.5.3"), ("github.com/redis/go-redis/v9", "v9.7.0"),
       ("github.com/bitly/go-simplejson", "v0.5.1"), ("golang.org/x/sync", "v0.8.0")]
f("gateway/go.sum", "".join(f'''{m} {v} «_:h1» ⟦lockfile-hash⟧
{m} {v}/go.mod «_:h1» ⟦lockfile-hash⟧
''' for m, v in _go))

f("releases/SHA256SUMS", r'''
«_:hex64»  keywarden-trading-api-1.18.3.jar ⟦checksum⟧
«_:hex64»  market-data-1.18.3-py3-none-any.whl ⟦checksum⟧
«_:hex64»  gateway-linux-amd64 ⟦checksum⟧
«_:hex64»  gateway-darwin-arm64 ⟦checksum⟧
''')

f("ci/release.sh", r'''
#!/usr/bin/env bash
set -euo pipefail

: "${GITHUB_TOKEN:?GITHUB_TOKEN must be set}" ⟦env-ref⟧
export GH_TOKEN="${GITHUB_TOKEN}" ⟦env-ref⟧
# example: GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX ./ci/release.sh ⟦placeholder⟧

BASE_COMMIT=«_:hex40» ⟦commit-id⟧
git diff --stat "${BASE_COMMIT}..HEAD"

# pinned Binance connector jar
CONNECTOR_URL=https://repo1.maven.org/maven2/io/github/binance/binance-connector-java/3.2.0/binance-connector-java-3.2.0.jar
CONNECTOR_SHA256=«_:hex64» ⟦checksum⟧
curl -fsSLo /tmp/connector.jar "${CONNECTOR_URL}"
echo "${CONNECTOR_SHA256}  /tmp/connector.jar" | sha256sum -c -

checksum="«_:hex64»" ⟦checksum⟧
docker pull ghcr.io/korvex/trading-api@sha256:«_:hex64» ⟦image-digest⟧
gh release create "v${VERSION}" --target «_:hex40» ⟦commit-id⟧
''', mode=0o755)

# =============================================================================
# SOPS, Kubernetes, Helm, docker-compose
# =============================================================================

f("deploy/secrets.enc.yaml", r'''
binance:
    api_key: «_:sops.48» ⟦sops⟧
    secret_key: «_:sops.48» ⟦sops⟧
telegram:
    bot_token: «_:sops.46» ⟦sops⟧
    api_id: «_:sopsint» ⟦sops⟧
    api_hash: «_:sops.32» ⟦sops⟧
jwt_secret: «_:sops.44» ⟦sops⟧
database_url: «_:sops.96» ⟦sops⟧
kafka_password: «_:sops.24» ⟦sops⟧
elastic_password: «_:sops.20» ⟦sops⟧
debug: «_:sopsbool» ⟦sops⟧
sops:
    kms: []
    gcp_kms: []
    azure_kv: []
    hc_vault: []
    age:
        - recipient: «_:agepub» ⟦age-public⟧
          enc: |
            ⟦age-encrypted⟧«_:agemsg»
    lastmodified: "2024-10-28T14:02:19Z"
    mac: «_:sops.32» ⟦sops⟧
    pgp:
        - created_at: "2024-10-28T14:02:19Z"
          enc: |-
            ⟦pgp-message⟧«_:pgpmsg»
          fp: «_:hex40»
    unencrypted_suffix: _unencrypted
    version: 3.9.1
''')

f("infra/k8s/deployment.yaml", r'''
apiVersion: apps/v1
kind: Deployment
metadata:
  name: trading-api
  namespace: trading
spec:
  replicas: 3
  selector:
    matchLabels: {app: trading-api}
  template:
    metadata:
      labels: {app: trading-api}
      annotations:
        checksum/config: «_:hex64» ⟦checksum⟧
    spec:
      containers:
        - name: trading-api
          image: ghcr.io/korvex/trading-api@sha256:«_:hex64» ⟦image-digest⟧
          env:
            - name: BINANCE_API_KEY
              valueFrom:
                secretKeyRef: {name: trading-api-secrets, key: BINANCE_API_KEY} ⟦secret-ref⟧
            - name: BINANCE_SECRET_KEY
              valueFrom:
                secretKeyRef: {name: trading-api-secrets, key: BINANCE_SECRET_KEY} ⟦secret-ref⟧
            - name: JWT_SECRET
              valueFrom:
                secretKeyRef:
                  name: trading-api-secrets
                  key: JWT_SECRET ⟦secret-ref⟧
            - name: SPRING_DATASOURCE_PASSWORD
              valueFrom:
                secretKeyRef: {name: pg-credentials, key: password} ⟦secret-ref⟧
            - name: POD_UID
              valueFrom:
                fieldRef: {fieldPath: metadata.uid}
        - name: log-shipper
          image: docker.elastic.co/beats/filebeat@sha256:«_:hex64» ⟦image-digest⟧
      initContainers:
        - name: migrate
          image: ghcr.io/korvex/flyway@sha256:«_:hex64» ⟦image-digest⟧
''')

f("infra/k8s/secret-template.yaml", r'''
# rendered by envsubst in CI; the values below are references, not secrets
apiVersion: v1
kind: Secret
metadata:
  name: trading-api-secrets
  namespace: trading
type: Opaque
stringData:
  BINANCE_API_KEY: ${BINANCE_API_KEY} ⟦env-ref⟧
  BINANCE_SECRET_KEY: ${BINANCE_SECRET_KEY} ⟦env-ref⟧
  JWT_SECRET: "${JWT_SECRET}" ⟦env-ref⟧
  TELEGRAM_BOT_TOKEN: "$TELEGRAM_BOT_TOKEN" ⟦env-ref⟧
  TELEGRAM_API_HASH: ${TELEGRAM_API_HASH} ⟦env-ref⟧
  DATABASE_URL: postgres://trading_app:${DB_PASSWORD}@pg-primary.trading.svc:5432/trading ⟦env-ref⟧
---
apiVersion: v1
kind: Secret
metadata:
  name: local-dev
type: Opaque
data:
  password: Y2hhbmdlbWU= ⟦placeholder⟧
  api-key: UkVEQUNURUQ= ⟦redacted⟧
''')

f("helm/trading-api/templates/secret.yaml", r'''
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "trading-api.fullname" . }}
  labels:
    {{- include "trading-api.labels" . | nindent 4 }}
type: Opaque
data:
  BINANCE_API_KEY: {{ .Values.binance.apiKey | b64enc | quote }} ⟦template⟧
  BINANCE_SECRET_KEY: {{ .Values.binance.secretKey | b64enc | quote }} ⟦template⟧
  JWT_SECRET: {{ required "jwt.secret is required" .Values.jwt.secret | b64enc }} ⟦template⟧
  TELEGRAM_BOT_TOKEN: {{ .Values.telegram.botToken | b64enc }} ⟦template⟧
stringData:
  application-secrets.properties: |
    binance.api-key={{ .Values.binance.apiKey }} ⟦template⟧
    spring.datasource.password={{ .Values.postgres.password }} ⟦template⟧
''')

f("helm/trading-api/values.yaml", r'''
replicaCount: 2
image:
  repository: ghcr.io/korvex/trading-api
  tag: ""
  digest: sha256:«_:hex64» ⟦image-digest⟧
binance:
  apiKey: "" ⟦empty⟧
  secretKey: "" ⟦empty⟧
jwt:
  secret: "" ⟦empty⟧
telegram:
  botToken: "<TELEGRAM_BOT_TOKEN>" ⟦placeholder⟧
postgres:
  password: changeme ⟦placeholder⟧
''')

f("infra/docker-compose.yml", r'''
services:
  postgres:
    image: postgres@sha256:«_:hex64» ⟦image-digest⟧
    environment:
      POSTGRES_USER: trading
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD} ⟦env-ref⟧
  elasticsearch:
    image: docker.elastic.co/elasticsearch/elasticsearch:8.15.1
    environment:
      - ELASTIC_PASSWORD=${ELASTIC_PASSWORD:-changeme} ⟦env-ref⟧
  grafana:
    image: grafana/grafana@sha256:«_:hex64» ⟦image-digest⟧
    environment:
      GF_SECURITY_ADMIN_PASSWORD__FILE: /run/secrets/grafana_admin ⟦file-ref⟧
  signal-bot:
    build: ../telegram-bot
    env_file: [../telegram-bot/.env]
    environment:
      BINANCE_API_KEY: ${BINANCE_API_KEY:?} ⟦env-ref⟧
      BINANCE_SECRET_KEY: ${BINANCE_SECRET_KEY:?} ⟦env-ref⟧
      TELEGRAM_BOT_TOKEN: ${TELEGRAM_BOT_TOKEN} ⟦env-ref⟧
      JWT_SECRET: "${JWT_SECRET}" ⟦env-ref⟧
      REDIS_PASSWORD: "" ⟦empty⟧
    secrets: [grafana_admin]
secrets:
  grafana_admin:
    file: ./secrets/grafana_admin.txt
''')

# =============================================================================
# public keys, certificates, SSH
# =============================================================================

f("deploy/keys/jwt-public.pem", r'''
⟦public-key⟧«_:pubkey»
''')

f("infra/certs/ca-bundle.crt", r'''
# Korvex internal CA
⟦certificate⟧«_:cert»
# Korvex intermediate
⟦certificate⟧«_:cert»
''')

f("deploy/keys/deploy_key.pub", r'''
ssh-ed25519 «_:ssh-ed25519» deploy@korvex-ci ⟦ssh-public-key⟧
''')

f("infra/bastion/authorized_keys", r'''
ssh-ed25519 «_:ssh-ed25519» alice@korvex ⟦ssh-public-key⟧
ssh-ed25519 «_:ssh-ed25519» bob@korvex ⟦ssh-public-key⟧
ssh-rsa «_:ssh-rsa» ci-runner@korvex ⟦ssh-public-key⟧
from="10.20.0.0/16",no-pty ssh-ed25519 «_:ssh-ed25519» backup@korvex ⟦ssh-public-key⟧
''')

f("infra/bastion/known_hosts", r'''
github.com ssh-ed25519 «_:ssh-ed25519» ⟦ssh-public-key⟧
gitlab.com ssh-ed25519 «_:ssh-ed25519» ⟦ssh-public-key⟧
bastion.korvex.internal ssh-rsa «_:ssh-rsa» ⟦ssh-public-key⟧
''')

# =============================================================================
# web assets, minified JS, fixtures
# =============================================================================

f("web/dashboard/index.html", r'''
<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" type="image/png" href="data:image/png;base64,«_:png»" /> ⟦data-uri⟧
    <title>Korvex Dashboard</title>
    <meta name="csrf-token" content="{{ csrf_token }}" /> ⟦template⟧
  </head>
  <body>
    <img class="logo" alt="Korvex" src="data:image/png;base64,«_:png»" /> ⟦data-uri⟧
    <div id="root"></div>
    <script type="module" src="/src/main.tsx" integrity="«_:sha512»"></script> ⟦sri-hash⟧
  </body>
</html>
''')

f("web/dashboard/src/assets/icons.css", r'''
.icon-btc { background-image: url("data:image/png;base64,«_:png»"); } ⟦data-uri⟧
.icon-eth { background-image: url("data:image/png;base64,«_:png»"); } ⟦data-uri⟧
.icon-bnb { background-image: url("data:image/png;base64,«_:png»"); } ⟦data-uri⟧
''')

f("web/dashboard/dist/assets/vendor.min.js", r'''
/*! korvex-dashboard vendor bundle | MIT */
var e=Object.defineProperty,t=(t,n,r)=>n in t?e(t,n,{enumerable:!0,configurable:!0,writable:!0,value:r}):t[n]=r;function n(e){return e&&e.__esModule&&Object.prototype.hasOwnProperty.call(e,"default")?e.default:e}const r={apiKey:e.apiKey,secret:e.secret,token:t.token||"",password:void 0};function o(e,t){return e.headers["X-MBX-APIKEY"]=t.apiKey,e} ⟦minified-js⟧
const a="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",i="0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";function s(e){let t="";for(let n=0;n<e.length;n+=3)t+=a[e[n]>>2];return t} ⟦alphabet⟧
function c(e){return fetch(`${e.baseUrl}/api/v3/order`,{method:"POST",headers:{"X-MBX-APIKEY":e.apiKey},body:new URLSearchParams({signature:l(e.secretKey,e.query)})})}const u={token:null,refreshToken:null,secret_key:null}; ⟦minified-js⟧
var d="eyJ"+btoa(JSON.stringify({alg:"none"})).slice(3);window.__KORVEX_BUILD__={commit:"«_:hex40»",builtAt:"2024-11-04T10:31:07Z"}; ⟦commit-id⟧
''')

f("fixtures/orders.json", r'''
{
  "account": {
    "id": "«_:uuid»", ⟦uuid⟧
    "apiKey": "REDACTED", ⟦redacted⟧
    "secret": "****", ⟦masked⟧
    "password": "", ⟦empty⟧
    "apiKeyFingerprint": "sha256:«_:hex64»" ⟦checksum⟧
  },
  "orders": [
    {"orderId": «_:digits.11», "clientOrderId": "«_:uuid»", "symbol": "BTCUSDT", "side": "BUY", "status": "FILLED"}, ⟦uuid⟧
    {"orderId": «_:digits.11», "clientOrderId": "«_:uuid»", "symbol": "ETHUSDT", "side": "SELL", "status": "NEW"}, ⟦uuid⟧
    {"orderId": «_:digits.11», "clientOrderId": "«_:uuid»", "symbol": "SOLUSDT", "side": "BUY", "status": "CANCELED"} ⟦uuid⟧
  ],
  "requestId": "«_:uuid»", ⟦uuid⟧
  "traceId": "«_:hex32»", ⟦trace-id⟧
  "commit": "«_:hex40»" ⟦commit-id⟧
}
''')

f("docs/auth.md", r'''
# Authentication

All API calls need a bearer token:

```
Authorization: Bearer eyJhbGciOiJIUzI1NiIs... ⟦truncated-jwt⟧
```

A token has three dot-separated parts. Tokens issued by the old gateway used only a
`typ` header and are rejected now, for example:

```
«_:jwt-noalg» ⟦jwt-no-alg⟧
«_:jwt-noalg» ⟦jwt-no-alg⟧
```

These fragments from the fuzz corpus are not tokens at all:

```
«_:jwt-badhdr» ⟦jwt-bad-header⟧
«_:jwt-badhdr» ⟦jwt-bad-header⟧
eyJ.eyJ.sig ⟦jwt-bad-header⟧
```

Set `JWT_SECRET` to at least 32 random bytes, e.g. `openssl rand -base64 32`. Never use `secret` or `changeme`. ⟦prose⟧

Binance keys are configured through `BINANCE_API_KEY` / `BINANCE_SECRET_KEY`; a key looks like
`<64 alphanumeric characters>`. ⟦prose⟧
GitHub tokens look like `ghp_` followed by 36 characters; AWS keys like `AKIA` followed by 16. ⟦prose⟧
Telegram bot tokens look like `123456789:AAE...`. ⟦truncated⟧
''')

f("notebooks/analysis.ipynb", r'''
{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "c00-code",
   "metadata": {},
   "outputs": [],
   "source": [
    "import os\n",
    "from binance.client import Client\n",
    "client = Client(os.environ[\"BINANCE_API_KEY\"], os.environ[\"BINANCE_SECRET_KEY\"])\n", ⟦env-ref⟧
    "api_hash = os.getenv(\"TELEGRAM_API_HASH\")\n", ⟦env-ref⟧
    "BOT_TOKEN = \"<your bot token>\"" ⟦placeholder⟧
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 2,
   "id": "c01-code",
   "metadata": {},
   "outputs": [
    {
     "data": {
      "image/png": "«_:png»", ⟦notebook-image⟧
      "text/plain": [
       "<Figure size 640x480 with 1 Axes>"
      ]
     },
     "metadata": {},
     "output_type": "display_data"
    }
   ],
   "source": [
    "df.close.plot()"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
''')

f("monitoring/alertmanager.yml", r'''
global:
  resolve_timeout: 5m
  slack_api_url_file: /etc/alertmanager/secrets/slack_webhook ⟦file-ref⟧
  opsgenie_api_key_file: /etc/alertmanager/secrets/opsgenie ⟦file-ref⟧
receivers:
  - name: telegram-desk
    telegram_configs:
      - bot_token_file: /etc/alertmanager/secrets/telegram ⟦file-ref⟧
        chat_id: -1001234567890
  - name: pagerduty
    pagerduty_configs:
      - routing_key: <PAGERDUTY_ROUTING_KEY> ⟦placeholder⟧
''')

f("monitoring/grafana/dashboards/trading-overview.json", r'''
{
  "uid": "«_:alnum.9»",
  "title": "Trading overview",
  "version": 42,
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "Fills per minute",
      "datasource": {"type": "prometheus", "uid": "«_:alnum.14»"}, ⟦uuid⟧
      "targets": [{"expr": "sum(rate(fills_total[1m])) by (symbol)", "refId": "A"}]
    },
    {
      "id": 2,
      "type": "stat",
      "title": "Open orders",
      "datasource": {"type": "postgres", "uid": "«_:uuid»"}, ⟦uuid⟧
      "targets": [{"rawSql": "select count(*) from orders where status = 'NEW'", "refId": "A"}]
    }
  ],
  "__inputs": [{"name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus"}],
  "secureJsonFields": {"password": true, "httpHeaderValue1": true} ⟦name-only⟧
}
''')

f("monitoring/.env.example", r'''
GRAFANA_SA_TOKEN=glsa_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_xxxxxxxx ⟦placeholder⟧
GRAFANA_CLOUD_TOKEN=glc_... ⟦placeholder⟧
PAGERDUTY_API_KEY=<pagerduty api key> ⟦placeholder⟧
OPSGENIE_API_KEY=${OPSGENIE_API_KEY} ⟦env-ref⟧
SLACK_BOT_TOKEN=xoxb-your-token ⟦placeholder⟧
VAULT_TOKEN=hvs.XXXXXXXXXXXXXXXXXXXXXXXX ⟦placeholder⟧
GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx ⟦placeholder⟧
SOPS_AGE_KEY_FILE=~/.config/sops/age/keys.txt ⟦file-ref⟧
''')

f("infra/kafka/client.properties", r'''
bootstrap.servers=kafka-0.kafka:9093
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="ops-readonly" password="${file:/etc/kafka/secrets.properties:ops.password}"; ⟦config-provider⟧
ssl.truststore.password= ⟦empty⟧
''')

f("infra/kibana/kibana.yml", r'''
server.host: "0.0.0.0"
elasticsearch.hosts: ["https://es-http.logging.svc:9200"]
elasticsearch.username: "kibana_system"
elasticsearch.password: "${ELASTICSEARCH_PASSWORD}" ⟦env-ref⟧
elasticsearch.serviceAccountToken: ${KIBANA_SA_TOKEN} ⟦env-ref⟧
''')

f("infra/.aws/config", r'''
[default]
region = eu-central-1
output = json

[profile korvex-prod]
sso_start_url = https://korvex.awsapps.com/start
sso_region = eu-central-1
sso_account_id = «_:digits.12»
sso_role_name = ReadOnly
credential_process = aws-vault exec korvex-prod --json ⟦credential-process⟧
''')

f("deploy/vault-agent.hcl", r'''
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
      path = "/home/vault/.vault-token" ⟦file-ref⟧
    }
  }
}

template {
  contents    = "{{ with secret \"secret/data/trading-api\" }}BINANCE_API_KEY={{ .Data.data.binance_api_key }}{{ end }}" ⟦template⟧
  destination = "/vault/secrets/binance.env"
}
''')

f("gateway/crypto_test.go", r'''
package main

import "testing"

// Published HMAC-SHA256 test vector style check; key and message are sample text.
func TestSignature(t *testing.T) {
	key := "sample-secret" ⟦weak-default⟧
	msg := "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
	want := "«_:hex64»" ⟦checksum⟧
	if got := sign(key, msg); len(got) != len(want) {
		t.Fatalf("bad length %d", len(got))
	}
}
''')
