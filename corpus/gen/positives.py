"""Positive files: each «rule» marker becomes a generated fake and one expected finding."""

FILES = []


def f(path, text, **opts):
    FILES.append((path, text, opts))


# =============================================================================
# trading-api: Java / Spring Boot
# =============================================================================

f("trading-api/.env", r'''
# trading-api local overrides -- do not commit
SPRING_PROFILES_ACTIVE=dev
SERVER_PORT=8080

# Binance spot account (sub-account "mm-desk-2")
BINANCE_API_KEY=«binance-api-key»
BINANCE_SECRET_KEY=«binance-secret-key»
BINANCE_BASE_URL=https://api.binance.com
BINANCE_RECV_WINDOW=5000

DATABASE_URL=postgres://trading_app:«database-url-password»@pg-primary.trading.svc:5432/trading?sslmode=require
REDIS_HOST=redis-master.trading.svc
REDIS_PORT=6379
REDIS_PASSWORD=«generic-secret»

KAFKA_BOOTSTRAP_SERVERS=kafka-0.kafka:9092,kafka-1.kafka:9092
KAFKA_TOPIC_ORDERS=orders.v1
KAFKA_TOPIC_FILLS=fills.v1

JWT_SECRET=«jwt-secret»
JWT_EXPIRATION_MINUTES=30

TELEGRAM_BOT_TOKEN=«telegram-bot-token»
TELEGRAM_ALERT_CHAT_ID=«_:chatid»
SLACK_WEBHOOK_URL=«slack-webhook»
''')

f("trading-api/src/main/resources/application.yml", r'''
server:
  port: 8080
  shutdown: graceful

spring:
  application:
    name: trading-api
  datasource:
    url: jdbc:postgresql://pg-primary.trading.svc:5432/trading
    username: trading_app
    password: «spring-password»
    hikari:
      maximum-pool-size: 20
      connection-timeout: 3000
  jpa:
    open-in-view: false
    hibernate:
      ddl-auto: validate
  data:
    redis:
      host: redis-master.trading.svc
      port: 6379
      password: «spring-password»
      timeout: 2s
  kafka:
    bootstrap-servers: kafka-0.kafka:9093,kafka-1.kafka:9093
    properties:
      security.protocol: SASL_SSL
      sasl.mechanism: PLAIN
      sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="trading-api" password="«kafka-jaas-password»";
    consumer:
      group-id: trading-api
      auto-offset-reset: earliest
    producer:
      acks: all
  elasticsearch:
    uris: https://es-http.logging.svc:9200
    username: elastic
    password: «elasticsearch-password»

binance:
  base-url: https://api.binance.com
  ws-url: wss://stream.binance.com:9443/ws
  api-key: «binance-api-key»
  secret-key: «binance-secret-key»
  recv-window: 5000

app:
  jwt:
    secret: «jwt-secret»
    expiration: 1800
  telegram:
    bot-token: «telegram-bot-token»
    chat-id: "«_:chatid»"

management:
  endpoints:
    web:
      exposure:
        include: health,info,prometheus
''')

f("trading-api/src/main/resources/application.properties", r'''
spring.application.name=trading-api
server.port=8080

# read replica for reports
spring.datasource.url=jdbc:postgresql://pg-replica.trading.svc:5432/trading?user=reporting_ro&password=«jdbc-password»&sslmode=require
spring.datasource.hikari.maximum-pool-size=10
spring.jpa.hibernate.ddl-auto=validate
spring.jpa.open-in-view=false

spring.rabbitmq.host=rabbitmq.trading.svc
spring.rabbitmq.port=5672
spring.rabbitmq.username=trading
spring.rabbitmq.password=«spring-password»

spring.kafka.bootstrap-servers=kafka-0.kafka:9094,kafka-1.kafka:9094
spring.kafka.properties.security.protocol=SASL_SSL
spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512
spring.kafka.properties.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="trading-reporting" password="«kafka-jaas-password»";

binance.base-url=https://api.binance.com
binance.api-key=«binance-api-key»
binance.secret=«binance-secret-key»

app.jwt.secret=«jwt-secret»
app.jwt.issuer=https://auth.korvex.io

spring.security.oauth2.client.registration.keycloak.client-id=trading-api
spring.security.oauth2.client.registration.keycloak.client-secret=«generic-secret»
spring.security.oauth2.client.provider.keycloak.issuer-uri=https://sso.korvex.io/realms/trading

logging.level.io.korvex=INFO
''')

f("trading-api/src/main/resources/application-prod.properties", r'''
# Production profile (edited on the jump host, hence CRLF)
spring.datasource.url=jdbc:postgresql://pg-primary.prod.korvex.internal:5432/trading?user=trading_app&password=«jdbc-password»
spring.datasource.hikari.maximum-pool-size=40

spring.mail.host=smtp.korvex.io
spring.mail.port=587
spring.mail.username=alerts@korvex.io
spring.mail.password=«spring-password»

binance.base-url=https://api.binance.com
binance.api-key=«binance-api-key»
binance.secret-key=«binance-secret-key»

elasticsearch.host=es-prod.korvex.internal
elasticsearch.port=9243
elasticsearch.api-key=«elasticsearch-api-key»

stripe.secret-key=«stripe-secret-key:rk_live»
stripe.webhook-path=/billing/stripe/events
''', crlf=True)

f("trading-api/src/main/resources/bootstrap.yml", r'''
spring:
  application:
    name: trading-api
  cloud:
    vault:
      enabled: true
      uri: https://vault.korvex.internal:8200
      authentication: TOKEN
      token: «vault-token»
      kv:
        enabled: true
        backend: secret
        default-context: trading-api
''')

f("trading-api/src/main/resources/keys/jwt-private.pem", r'''
«private-key:rsa»
''')

f("trading-api/src/main/java/io/korvex/trading/config/TradingConfig.java", r'''
package io.korvex.trading.config;

import com.binance.connector.client.SpotClient;
import com.binance.connector.client.impl.SpotClientImpl;
import io.korvex.trading.telegram.AlertBot;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.telegram.telegrambots.meta.TelegramBotsApi;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.updatesreceivers.DefaultBotSession;

@Configuration
public class TradingConfig {

    // TODO(PLAT-412): move to Vault before go-live
    private static final String TELEGRAM_BOT_TOKEN = "«telegram-bot-token»";
    private static final String WEBHOOK_SECRET = "«generic-secret»";
    private static final String BINANCE_BASE_URL = "https://api.binance.com";

    @Bean
    public SpotClient spotClient() {
        return new SpotClientImpl(
                "«binance-api-key»",
                "«binance-secret-key»",
                BINANCE_BASE_URL);
    }

    @Bean
    public AlertBot alertBot() throws TelegramApiException {
        AlertBot bot = new AlertBot(TELEGRAM_BOT_TOKEN, "korvex_alerts_bot");
        new TelegramBotsApi(DefaultBotSession.class).registerBot(bot);
        return bot;
    }

    @Bean
    public WebhookVerifier webhookVerifier() {
        return new WebhookVerifier(WEBHOOK_SECRET);
    }
}
''')

f("trading-api/src/test/java/io/korvex/trading/api/AuthControllerTest.java", r'''
package io.korvex.trading.api;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.MockMvc;

@SpringBootTest
@AutoConfigureMockMvc
class AuthControllerTest {

    // tokens captured from staging; still valid there
    private static final String TRADER_TOKEN =
            "«jwt:hs256»";
    private static final String ADMIN_TOKEN =
            "«jwt:hs512»";
    private static final String SERVICE_TOKEN = "«jwt:rs256»";

    @Autowired
    private MockMvc mvc;

    @Test
    void traderCanListOrders() throws Exception {
        mvc.perform(get("/api/v1/orders").header("Authorization", "Bearer " + TRADER_TOKEN))
                .andExpect(status().isOk());
    }

    @Test
    void adminCanSeeRiskLimits() throws Exception {
        mvc.perform(get("/api/v1/risk/limits").header("Authorization", "Bearer " + ADMIN_TOKEN))
                .andExpect(status().isOk());
    }

    @Test
    void serviceTokenIsAcceptedOnInternalRoutes() throws Exception {
        mvc.perform(get("/internal/positions").header("Authorization", "Bearer " + SERVICE_TOKEN))
                .andExpect(status().isOk());
    }
}
''')

f("order-service/src/main/resources/application.yml", r'''
spring:
  application:
    name: order-service
  datasource:
    url: jdbc:postgresql://pg-primary.trading.svc:5432/orders
    username: order_svc
    password: «spring-password»
  flyway:
    enabled: true
    user: order_migrator
    password: «spring-password»
    locations: classpath:db/migration

order:
  max-open-orders-per-symbol: 200
  symbols: BTCUSDT,ETHUSDT,SOLUSDT
''')

# =============================================================================
# market-data: Python / FastAPI
# =============================================================================

f("market-data/.env", r'''
APP_ENV=production
LOG_LEVEL=info

BINANCE_API_KEY=«binance-api-key»
BINANCE_API_SECRET=«binance-secret-key»

DATABASE_URL=postgresql://marketdata:«database-url-password»@pg-primary.trading.svc:5432/marketdata
REDIS_URL=rediss://:«database-url-password»@redis-master.trading.svc:6380/2

ELASTICSEARCH_URL=https://es-http.logging.svc:9200
ELASTIC_USERNAME=elastic
ELASTIC_PASSWORD=«elasticsearch-password»

OPENAI_API_KEY=«openai-api-key:legacy»
JWT_SIGNING_KEY=«jwt-secret»

TELEGRAM_BOT_TOKEN=«telegram-bot-token»
TELEGRAM_API_ID=«_:apiid»
TELEGRAM_API_HASH=«telegram-api-hash»

AWS_ACCESS_KEY_ID=«aws-access-key-id»
AWS_SECRET_ACCESS_KEY=«aws-secret-access-key»
AWS_REGION=eu-central-1
S3_BUCKET=korvex-marketdata-archive
''')

f("market-data/testnet.env", r'''
# Binance Spot Testnet -- keys from https://testnet.binance.vision (reset monthly)
BASE_URL=https://testnet.binance.vision
WS_URL=wss://testnet.binance.vision/ws
API_KEY=«binance-api-key»
API_SECRET=«binance-secret-key»
SYMBOLS=BTCUSDT,ETHUSDT,BNBUSDT
ORDER_SIZE_USDT=25
''', crlf=True, bom=True)

f("market-data/app/settings.py", r'''
from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings; values from the environment override these defaults."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_name: str = "market-data"
    binance_base_url: str = "https://api.binance.com"
    binance_api_key: str = "«binance-api-key»"
    binance_api_secret: str = "«binance-secret-key»"
    kline_intervals: list[str] = ["1m", "5m", "1h"]

    jwt_secret: str = "«jwt-secret»"
    jwt_algorithm: str = "HS256"
    access_token_ttl: int = 1800

    oauth_client_id: str = "market-data-svc"
    client_secret: str = "«generic-secret»"
    oauth_token_url: str = "https://sso.korvex.io/realms/trading/protocol/openid-connect/token"


@lru_cache
def get_settings() -> Settings:
    return Settings()
''')

f("market-data/app/binance_client.py", r'''
import logging

from binance.client import Client
from binance.exceptions import BinanceAPIException

log = logging.getLogger(__name__)


def make_client() -> Client:
    # hard-coded while the secrets operator is down (INC-2291)
    return Client(
        api_key="«binance-api-key»",
        api_secret="«binance-secret-key»",
        testnet=False,
    )


def fetch_klines(client: Client, symbol: str, interval: str = Client.KLINE_INTERVAL_1MINUTE, limit: int = 500):
    try:
        return client.get_klines(symbol=symbol, interval=interval, limit=limit)
    except BinanceAPIException as exc:
        log.warning("klines failed for %s: %s", symbol, exc)
        return []
''')

f("market-data/app/arbitrage.py", r'''
import asyncio

import ccxt.async_support as ccxt

exchange = ccxt.binance({
    'apiKey': '«binance-api-key»',
    'secret': '«binance-secret-key»',
    'enableRateLimit': True,
    'options': {'defaultType': 'spot'},
})

PAIRS = [("BTC/USDT", "ETH/BTC", "ETH/USDT"), ("BTC/USDT", "BNB/BTC", "BNB/USDT")]


async def triangle(a: str, b: str, c: str) -> float:
    ta, tb, tc = await asyncio.gather(*(exchange.fetch_ticker(s) for s in (a, b, c)))
    return (1 / ta["ask"]) * (1 / tb["ask"]) * tc["bid"]


async def main() -> None:
    try:
        for pair in PAIRS:
            print(pair, await triangle(*pair))
    finally:
        await exchange.close()


if __name__ == "__main__":
    asyncio.run(main())
''')

f("market-data/app/search.py", r'''
from elasticsearch import AsyncElasticsearch

ES_URL = "https://es-http.logging.svc:9200"
ES_API_KEY = "«elasticsearch-api-key»"

es = AsyncElasticsearch(ES_URL, api_key=ES_API_KEY, verify_certs=True)


async def index_trade(trade: dict) -> None:
    await es.index(index="trades-" + trade["symbol"].lower(), document=trade)
''')

f("market-data/tests/test_auth.py", r'''
import pytest
from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)

# copied from a staging session so the tests run without the auth server
USER_TOKEN = "«jwt:hs256»"
ADMIN_TOKEN = (
    "«jwt:hs256»"
)
SERVICE_TOKEN = "«jwt:es256»"


@pytest.mark.parametrize("token", [USER_TOKEN, ADMIN_TOKEN])
def test_candles_require_auth(token):
    r = client.get("/v1/candles/BTCUSDT", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200


def test_internal_route_accepts_service_token():
    r = client.post("/internal/backfill", headers={"Authorization": f"Bearer {SERVICE_TOKEN}"})
    assert r.status_code in (200, 202)
''')

f("market-data/certs/client.key", r'''
«private-key:encrypted»
''')

# =============================================================================
# telegram-bot
# =============================================================================

f("telegram-bot/bot.py", r'''
"""Korvex signals bot: pushes fills and PnL summaries to Telegram."""
import logging

import httpx
from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

logging.basicConfig(level=logging.INFO)

TOKEN = "«telegram-bot-token»"
# old alert bot, still used by the cron fallback below
LEGACY_ALERT_URL = "https://api.telegram.org/bot«telegram-bot-token»/sendMessage"
ADMIN_API = "https://trading-api.korvex.io/internal"
ADMIN_API_TOKEN = "«jwt:hs384»"


async def pnl(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {ADMIN_API_TOKEN}"}) as http:
        r = await http.get(f"{ADMIN_API}/pnl/today")
    await update.message.reply_text(f"PnL today: {r.json()['pnl_usdt']:.2f} USDT")


def fallback_alert(chat_id: str, text: str) -> None:
    httpx.post(LEGACY_ALERT_URL, json={"chat_id": chat_id, "text": text}, timeout=5)


def main() -> None:
    app = Application.builder().token(TOKEN).build()
    app.add_handler(CommandHandler("pnl", pnl))
    app.run_polling()


if __name__ == "__main__":
    main()
''')

f("telegram-bot/.env", r'''
# bot runtime config (Windows dev box)
TELEGRAM_BOT_TOKEN=«telegram-bot-token»
ALERT_BOT_TOKEN=«telegram-bot-token»
SIGNAL_BOT_TOKEN=«telegram-bot-token»
ADMIN_CHAT_ID=«_:chatid»

# userbot (reads partner signal channels)
API_ID=«_:apiid»
API_HASH=«telegram-api-hash»

MONGO_URL=mongodb://botuser:«database-url-password»@mongo-0.mongo.bots.svc:27017/signals?authSource=admin
OPENAI_API_KEY=«openai-api-key»
''', crlf=True)

f("telegram-bot/config.toml", r'''
[telegram]
bot_token = "«telegram-bot-token»"
api_id = «_:apiid»
api_hash = "«telegram-api-hash»"
admins = [«_:digits.9», «_:digits.10»]

[webhook]
url = "https://bots.korvex.io/tg/webhook"
secret_token = "«generic-secret:urlsafe»"
max_connections = 40

[binance]
api_key = "«binance-api-key»"
api_secret = "«binance-secret-key»"
testnet = false
symbols = ["BTCUSDT", "ETHUSDT"]
''')

f("telegram-bot/bots.json", r'''
{
  "bots": [
    {
      "name": "korvex_fills_bot",
      "token": "«telegram-bot-token»",
      "chat_id": «_:chatid»,
      "events": ["fill", "partial_fill"]
    },
    {
      "name": "korvex_risk_bot",
      "token": "«telegram-bot-token»",
      "chat_id": «_:chatid»,
      "events": ["margin_call", "limit_breach"]
    },
    {
      "name": "korvex_listing_watch_bot",
      "token": "«telegram-bot-token»",
      "chat_id": «_:chatid»,
      "events": ["new_listing"]
    },
    {
      "name": "korvex_ops_bot",
      "token": "«telegram-bot-token»",
      "chat_id": «_:chatid»,
      "events": ["deploy", "incident"]
    }
  ]
}
''')

f("telegram-bot/notify.sh", r'''
#!/usr/bin/env bash
# usage: notify.sh "message"
set -euo pipefail

MSG="${1:-ping}"
CHAT_ID="«_:chatid»"

curl -fsS -X POST "https://api.telegram.org/bot«telegram-bot-token»/sendMessage" \
  -d chat_id="${CHAT_ID}" -d parse_mode=Markdown --data-urlencode text="${MSG}" >/dev/null

# mirror to the on-call bot
ONCALL_BOT_TOKEN="«telegram-bot-token»"
curl -fsS "https://api.telegram.org/bot${ONCALL_BOT_TOKEN}/sendMessage?chat_id=${CHAT_ID}&text=${MSG}" >/dev/null

# and to Slack
curl -fsS -X POST -H 'Content-type: application/json' \
  --data "{\"text\": \"${MSG}\"}" \
  «slack-webhook»
''', mode=0o755)

f("telegram-bot/userbot/listener.py", r'''
"""Listens to partner signal channels with a user account (Telethon)."""
from telethon import TelegramClient, events

api_id = «_:apiid»
api_hash = "«telegram-api-hash»"
CHANNELS = ["@cryptosignals_partner", "@korvex_research"]

client = TelegramClient("korvex-userbot", api_id, api_hash)


@client.on(events.NewMessage(chats=CHANNELS))
async def on_signal(event):
    text = event.raw_text
    if "LONG" in text or "SHORT" in text:
        await client.forward_messages("me", event.message)


client.start()
client.run_until_disconnected()
''')

f("telegram-bot/userbot/config.ini", r'''
[pyrogram]
api_id = «_:apiid»
api_hash = «telegram-api-hash»

[plugins]
root = plugins
''')

f("telegram-bot/signals/worker.py", r'''
import json
import os

import redis
import requests

BOT_TOKEN = "«telegram-bot-token»"
CHAT = os.getenv("SIGNALS_CHAT_ID", "«_:chatid»")
r = redis.Redis(host="redis-master.trading.svc", port=6379, db=4)


def run() -> None:
    for _, raw in r.blpop("signals:outbox", timeout=0) or []:
        signal = json.loads(raw)
        text = f"{signal['side']} {signal['symbol']} @ {signal['price']}"
        requests.post(f"https://api.telegram.org/bot{BOT_TOKEN}/sendMessage",
                      json={"chat_id": CHAT, "text": text}, timeout=5)


if __name__ == "__main__":
    while True:
        run()
''')

f("telegram-bot/logs/bot.log", r'''
2024-11-02 08:14:03,118 INFO telegram.ext.Application: Application started
2024-11-02 08:14:03,402 INFO httpx: HTTP Request: POST https://api.telegram.org/bot«telegram-bot-token»/getMe "HTTP/1.1 200 OK"
2024-11-02 08:14:13,655 INFO httpx: HTTP Request: POST https://api.telegram.org/bot«telegram-bot-token»/getUpdates "HTTP/1.1 200 OK"
2024-11-02 08:14:14,002 WARNING bot: rate limited by exchange, retrying in 2s
''')

# =============================================================================
# notebooks
# =============================================================================

import json as _json


def _nb(cells):
    return _json.dumps({
        "cells": [
            {"cell_type": kind, "id": f"c{i:02d}-{kind[:4]}", "metadata": {},
             **({"execution_count": sum(1 for k, _ in cells[:i + 1] if k == "code"), "outputs": []}
                if kind == "code" else {}),
             "source": [l + "\n" for l in src.split("\n")[:-1]] + [src.split("\n")[-1]]}
            for i, (kind, src) in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python", "version": "3.11.7"}},
        "nbformat": 4, "nbformat_minor": 5,
    }, indent=1, ensure_ascii=False) + "\n"


f("notebooks/backtest.ipynb", _nb([
    ("markdown", "# Mean-reversion backtest on BTCUSDT 1m\nPulls klines from Binance, then posts results to the research channel."),
    ("code", "import pandas as pd\nfrom binance.client import Client\n\nclient = Client(\n    \"«binance-api-key»\",\n    \"«binance-secret-key»\",\n)\nklines = client.get_historical_klines(\"BTCUSDT\", Client.KLINE_INTERVAL_1MINUTE, \"30 days ago UTC\")\ndf = pd.DataFrame(klines).iloc[:, :6]\ndf.columns = [\"ts\", \"open\", \"high\", \"low\", \"close\", \"volume\"]"),
    ("code", "df[\"z\"] = (df.close.astype(float) - df.close.astype(float).rolling(60).mean()) / df.close.astype(float).rolling(60).std()\nsignals = df[df.z.abs() > 2.5]\nlen(signals)"),
    ("code", "from telethon.sync import TelegramClient\n\napi_id = «_:apiid»\napi_hash = \"«telegram-api-hash»\"\nwith TelegramClient(\"research\", api_id, api_hash) as tg:\n    history = tg.get_messages(\"@korvex_research\", limit=200)"),
    ("code", "import requests\n\nBOT_TOKEN = \"«telegram-bot-token»\"\nrequests.post(f\"https://api.telegram.org/bot{BOT_TOKEN}/sendMessage\", json={\"chat_id\": «_:chatid», \"text\": f\"{len(signals)} signals\"})"),
    ("code", "INTERNAL_TOKEN = \"«jwt:rs256»\"\nr = requests.get(\"https://trading-api.korvex.io/internal/fills\", headers={\"Authorization\": f\"Bearer {INTERNAL_TOKEN}\"})\nfills = pd.DataFrame(r.json())"),
]))

# =============================================================================
# infra: docker-compose, kubernetes, kafka, kibana, aws, nginx
# =============================================================================

f("infra/docker-compose.yml", r'''
name: korvex-dev

services:
  postgres:
    image: postgres:16.4-alpine
    environment:
      POSTGRES_DB: trading
      POSTGRES_USER: trading_app
      POSTGRES_PASSWORD: «generic-secret»
    ports: ["5432:5432"]
    volumes: [pgdata:/var/lib/postgresql/data]

  redis:
    image: redis:7.4-alpine
    command: ["redis-server", "--appendonly", "yes"]

  rabbitmq:
    image: rabbitmq:3.13-management

  elasticsearch:
    image: docker.elastic.co/elasticsearch/elasticsearch:8.15.1
    environment:
      - discovery.type=single-node
      - ELASTIC_PASSWORD=«elasticsearch-password»
      - xpack.security.enabled=true
    ports: ["9200:9200"]

  grafana:
    image: grafana/grafana:11.2.0
    environment:
      GF_SECURITY_ADMIN_USER: admin
      GF_SECURITY_ADMIN_PASSWORD: «generic-secret»
    ports: ["3000:3000"]

  signal-bot:
    build: ../telegram-bot
    depends_on: [redis, rabbitmq]
    environment:
      BINANCE_API_KEY: «binance-api-key»
      BINANCE_SECRET_KEY: «binance-secret-key»
      TELEGRAM_BOT_TOKEN: «telegram-bot-token»
      TELEGRAM_API_ID: "«_:apiid»"
      TELEGRAM_API_HASH: «telegram-api-hash»
      JWT_SECRET: «jwt-secret»
      CELERY_BROKER_URL: amqp://korvex:«database-url-password»@rabbitmq:5672/signals

  pg-backup:
    image: ghcr.io/korvex/pg-backup:1.4.2
    environment:
      S3_BUCKET: korvex-pg-backups
      AWS_ACCESS_KEY_ID: «aws-access-key-id:ASIA»
      AWS_SECRET_ACCESS_KEY: «aws-secret-access-key»
      SCHEDULE: "0 */6 * * *"

volumes:
  pgdata: {}
''')

f("infra/k8s/k8s-secret.yaml", r'''
apiVersion: v1
kind: Secret
metadata:
  name: trading-api-secrets
  namespace: trading
  labels:
    app.kubernetes.io/name: trading-api
    app.kubernetes.io/part-of: korvex
type: Opaque
stringData:
  BINANCE_API_KEY: «binance-api-key»
  BINANCE_SECRET_KEY: «binance-secret-key»
  JWT_SECRET: "«jwt-secret»"
  DATABASE_URL: postgres://trading_app:«database-url-password»@pg-primary.trading.svc:5432/trading
  SPRING_DATASOURCE_URL: jdbc:postgresql://pg-primary.trading.svc:5432/trading?user=trading_app&password=«jdbc-password»
  TELEGRAM_BOT_TOKEN: "«telegram-bot-token»"
  TELEGRAM_API_ID: "«_:apiid»"
  TELEGRAM_API_HASH: «telegram-api-hash»
  SERVICE_JWT: «jwt:ps256»
  SLACK_BOT_TOKEN: «slack-token»
  SMTP_PASSWORD: "«generic-secret»"
''')

f("infra/k8s/kafka-client-secret.yaml", r'''
apiVersion: v1
kind: Secret
metadata:
  name: kafka-client-config
  namespace: trading
type: Opaque
stringData:
  client.properties: |
    bootstrap.servers=kafka-bootstrap.kafka.svc:9093
    security.protocol=SASL_SSL
    sasl.mechanism=SCRAM-SHA-256
    sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="order-router" password="«kafka-jaas-password»";
    ssl.endpoint.identification.algorithm=https
''')

f("infra/k8s/tls-secret.yaml", r'''
apiVersion: v1
kind: Secret
metadata:
  name: exchange-gateway-tls
  namespace: trading
type: kubernetes.io/tls
stringData:
  tls.crt: |
    «_:cert»
  tls.key: |
    «private-key:pkcs8»
''')

f("infra/kafka/client.properties", r'''
# kafka-console-consumer --consumer.config client.properties --topic fills.v1
bootstrap.servers=kafka-0.kafka:9093,kafka-1.kafka:9093,kafka-2.kafka:9093
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="ops-readonly" password="«kafka-jaas-password»";
group.id=ops-console
auto.offset.reset=latest
''')

f("infra/kibana/kibana.yml", r'''
server.host: "0.0.0.0"
server.name: kibana-trading
elasticsearch.hosts: ["https://es-http.logging.svc:9200"]
elasticsearch.username: "kibana_system"
elasticsearch.password: "«elasticsearch-password»"
elasticsearch.ssl.verificationMode: certificate
monitoring.ui.container.elasticsearch.enabled: true
''')

f("infra/.aws/credentials", r'''
[default]
aws_access_key_id = «aws-access-key-id»
aws_secret_access_key = «aws-secret-access-key»
region = eu-central-1

[korvex-prod-readonly]
aws_access_key_id = «aws-access-key-id»
aws_secret_access_key = «aws-secret-access-key»
region = eu-central-1
''')

f("infra/nginx/tls/exchange-gw.key", r'''
«private-key:ec»
''')

# =============================================================================
# deploy / CI
# =============================================================================

f("deploy/deploy.sh", r'''
#!/usr/bin/env bash
# Blue/green deploy of the trading stack. Run from the bastion.
set -euo pipefail

ENV="${1:-staging}"
export AWS_ACCESS_KEY_ID=«aws-access-key-id»
export AWS_SECRET_ACCESS_KEY=«aws-secret-access-key»
export AWS_DEFAULT_REGION=eu-central-1

export VAULT_ADDR=https://vault.korvex.internal:8200
export VAULT_TOKEN=«vault-token:legacy»

# smoke-test keys for the Binance testnet
export BINANCE_TESTNET_API_KEY=«binance-api-key»
export BINANCE_TESTNET_SECRET_KEY=«binance-secret-key»

echo "«gitlab-token»" | docker login registry.gitlab.com -u deploy-bot --password-stdin
REGISTRY_PASSWORD='«generic-secret»'
echo "${REGISTRY_PASSWORD}" | docker login harbor.korvex.internal -u robot\$deploy --password-stdin

git clone "https://x-access-token:«github-token:ghs»@github.com/korvex/helm-charts.git" /tmp/charts
helm upgrade --install trading-api /tmp/charts/trading-api -n trading -f "values-${ENV}.yaml"

# post-deploy checks
curl -fsS -H "Authorization: Bearer «jwt:hs256»" \
  "https://trading-api.${ENV}.korvex.io/internal/health/deep"
curl -fsS -H "Authorization: ApiKey «elasticsearch-api-key»" \
  "https://es-http.logging.svc:9200/_cluster/health?wait_for_status=yellow"

curl -fsS "https://api.telegram.org/bot«telegram-bot-token»/sendMessage?chat_id=«_:chatid»&text=deployed%20${ENV}"
''', mode=0o755)

f("deploy/ci.env", r'''
# CI variables exported by the self-hosted runner
GITHUB_PAT=«github-fine-grained-pat»
SOPS_AGE_KEY=«age-secret-key»
HELM_EXPERIMENTAL_OCI=1
''')

f("deploy/vault.env", r'''
VAULT_ADDR=https://vault.korvex.internal:8200
VAULT_NAMESPACE=trading
VAULT_TOKEN=«vault-token»
''')

f("deploy/sops/keys.txt", r'''
# created: 2024-09-18T10:22:41+02:00
# public key: «_:agepub»
«age-secret-key»
''')

f("deploy/keys/deploy_key", r'''
«private-key:openssh»
''', mode=0o600)

f("deploy/keys/release-signing.asc", r'''
«private-key:pgp»
''')

f("deploy/gcp/trading-sa.json", r'''
{
  "type": "service_account",
  "project_id": "korvex-prod",
  "private_key_id": "«_:hex40»",
  "private_key": "«gcp-service-account»",
  "client_email": "trading-api@korvex-prod.iam.gserviceaccount.com",
  "client_id": "«_:digits.21»",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/trading-api%40korvex-prod.iam.gserviceaccount.com",
  "universe_domain": "googleapis.com"
}
''')

f(".github/workflows/release.yml", r'''
name: release

on:
  push:
    tags: ["v*"]

jobs:
  release:
    runs-on: ubuntu-latest
    env:
      GH_TOKEN: «github-token:ghp»
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-java@v4
        with:
          distribution: temurin
          java-version: "21"
      - run: ./gradlew :trading-api:bootJar
      - run: gh release create "${GITHUB_REF_NAME}" trading-api/build/libs/*.jar --generate-notes
''')

f(".github/workflows/mirror.yml", r'''
name: mirror-to-backup-org

on:
  schedule:
    - cron: "17 3 * * *"

jobs:
  mirror:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - name: push mirror
        env:
          MIRROR_TOKEN: «github-fine-grained-pat»
        run: |
          git remote add backup "https://x-access-token:${MIRROR_TOKEN}@github.com/korvex-backup/trading.git"
          git push --mirror backup
''')

f(".gitlab-ci.yml", r'''
stages: [build, publish]

variables:
  DOCKER_DRIVER: overlay2
  GITLAB_TOKEN: «gitlab-token»

build:
  stage: build
  image: eclipse-temurin:21-jdk
  script:
    - ./gradlew build

publish:
  stage: publish
  image: python:3.12
  script:
    - pip install twine
    - TWINE_PASSWORD="${GITLAB_TOKEN}" TWINE_USERNAME=gitlab-ci-token twine upload --repository-url "${CI_API_V4_URL}/projects/${CI_PROJECT_ID}/packages/pypi" dist/*
''')

f("scripts/sync_repos.py", r'''
"""Mirror issue labels across korvex repos."""
import requests

GITHUB_TOKEN = "«github-token:gho»"
REPOS = ["korvex/trading-api", "korvex/market-data", "korvex/telegram-bot"]
API = "https://api.github.com"
H = {"Authorization": f"token {GITHUB_TOKEN}", "Accept": "application/vnd.github+json"}


def labels(repo: str) -> list[dict]:
    return requests.get(f"{API}/repos/{repo}/labels", headers=H, timeout=10).json()


if __name__ == "__main__":
    base = labels(REPOS[0])
    for repo in REPOS[1:]:
        for label in base:
            requests.post(f"{API}/repos/{repo}/labels", headers=H, json=label, timeout=10)
''')

f("scripts/renovate.config.js", r'''
module.exports = {
  platform: 'github',
  endpoint: 'https://api.github.com/',
  token: '«github-token:ghp-badcrc»',
  repositories: ['korvex/trading-api', 'korvex/market-data', 'korvex/dashboard'],
  onboarding: false,
  prConcurrentLimit: 5,
};
''')

f("scripts/github-app-token.json", r'''
{
  "access_token": "«github-token:ghu»",
  "expires_in": 28800,
  "refresh_token": "«github-token:ghr»",
  "refresh_token_expires_in": 15811200,
  "scope": "",
  "token_type": "bearer"
}
''')

f("scripts/standup.py", r'''
"""Posts the daily desk stand-up summary to #trading-desk."""
from slack_sdk import WebClient

SLACK_USER_TOKEN = "«slack-token:xoxp»"
client = WebClient(token=SLACK_USER_TOKEN)

summary = open("/var/run/korvex/standup.md").read()
client.chat_postMessage(channel="#trading-desk", text=summary, mrkdwn=True)
''')

# =============================================================================
# monitoring: Grafana, Alertmanager, PagerDuty, Opsgenie
# =============================================================================

f("monitoring/.env", r'''
GRAFANA_URL=https://grafana.korvex.io
GRAFANA_SA_TOKEN=«grafana-service-account-token»
GRAFANA_CLOUD_TOKEN=«grafana-cloud-token»
PAGERDUTY_API_KEY=«pagerduty-api-key»
OPSGENIE_API_KEY=«opsgenie-api-key»
''')

f("monitoring/alertmanager.yml", r'''
global:
  resolve_timeout: 5m
  slack_api_url: «slack-webhook»
  opsgenie_api_key: «opsgenie-api-key»

route:
  receiver: slack-trading
  group_by: [alertname, service]
  routes:
    - matchers: [severity="critical"]
      receiver: opsgenie-oncall
    - matchers: [team="desk"]
      receiver: telegram-desk

receivers:
  - name: slack-trading
    slack_configs:
      - channel: "#trading-alerts"
        send_resolved: true
  - name: opsgenie-oncall
    opsgenie_configs:
      - priority: P1
  - name: telegram-desk
    telegram_configs:
      - bot_token: «telegram-bot-token»
        chat_id: «_:chatid»
        parse_mode: HTML
''')

f("monitoring/grafana/provisioning/datasources/datasources.yaml", r'''
apiVersion: 1

datasources:
  - name: trading-postgres
    type: postgres
    url: pg-replica.trading.svc:5432
    user: grafana_ro
    jsonData:
      database: trading
      sslmode: require
    secureJsonData:
      password: «generic-secret»

  - name: trading-api
    type: marcusolsson-json-datasource
    url: https://trading-api.korvex.io/internal/metrics
    jsonData:
      httpHeaderName1: Authorization
    secureJsonData:
      httpHeaderValue1: "Bearer «jwt:es256»"
''')

f("monitoring/grafana/provisioning/alerting/contactpoints.yaml", r'''
apiVersion: 1
contactPoints:
  - orgId: 1
    name: desk-telegram
    receivers:
      - uid: desk_tg
        type: telegram
        settings:
          bottoken: «telegram-bot-token»
          chatid: "«_:chatid»"
          disable_notification: false
''')

f("monitoring/scripts/export_dashboards.sh", r'''
#!/bin/sh
# dump all dashboards to ./dashboards for review
GRAFANA_URL="https://grafana.korvex.io"
GRAFANA_TOKEN="«grafana-service-account-token»"

mkdir -p dashboards
for uid in $(curl -s -H "Authorization: Bearer ${GRAFANA_TOKEN}" "${GRAFANA_URL}/api/search?type=dash-db" | jq -r '.[].uid'); do
  curl -s -H "Authorization: Bearer ${GRAFANA_TOKEN}" "${GRAFANA_URL}/api/dashboards/uid/${uid}" | jq '.dashboard' > "dashboards/${uid}.json"
done
''', mode=0o755)

f("monitoring/terraform/main.tf", r'''
terraform {
  required_providers {
    grafana   = { source = "grafana/grafana", version = "~> 3.7" }
    pagerduty = { source = "PagerDuty/pagerduty", version = "~> 3.15" }
  }
}

locals {
  pagerduty_token = "«pagerduty-api-key»"
}

provider "grafana" {
  url  = "https://grafana.korvex.io"
  auth = "«grafana-service-account-token»"
}

provider "pagerduty" {
  token = local.pagerduty_token
}

resource "grafana_folder" "trading" {
  title = "Trading"
}
''')

f("monitoring/alloy/config.alloy", r'''
prometheus.remote_write "grafana_cloud" {
  endpoint {
    url = "https://prometheus-prod-24-prod-eu-west-2.grafana.net/api/prom/push"

    basic_auth {
      username = "«_:digits.7»"
      password = "«grafana-cloud-token»"
    }
  }
}

prometheus.scrape "trading" {
  targets    = [{"__address__" = "trading-api.trading.svc:8080"}]
  forward_to = [prometheus.remote_write.grafana_cloud.receiver]
  metrics_path = "/actuator/prometheus"
}
''')

f("monitoring/alert_router.py", r'''
"""Routes Alertmanager webhooks to Slack threads per incident."""
from fastapi import FastAPI, Request
from slack_sdk.web.async_client import AsyncWebClient

app = FastAPI()
slack = AsyncWebClient(token="«slack-token»")
THREADS: dict[str, str] = {}


@app.post("/alerts")
async def alerts(req: Request):
    payload = await req.json()
    for alert in payload.get("alerts", []):
        key = alert["labels"].get("alertname", "unknown")
        resp = await slack.chat_postMessage(channel="#trading-alerts", text=alert["annotations"].get("summary", key),
                                            thread_ts=THREADS.get(key))
        THREADS.setdefault(key, resp["ts"])
    return {"ok": True}
''')

# =============================================================================
# web: dashboard (TS/JS) and server
# =============================================================================

f("web/dashboard/src/config.ts", r'''
export const config = {
  apiBaseUrl: "https://trading-api.korvex.io",
  wsUrl: "wss://stream.binance.com:9443/stream",
};

// read-only key used by the public ticker widget
export const binanceApiKey = "«binance-api-key»";

// alerts from the browser console (debug builds only)
export const TELEGRAM_BOT_TOKEN = "«telegram-bot-token»";

export const INTERNAL_API_TOKEN = "«generic-secret»";
''')

f("web/dashboard/src/api/client.js", r'''
import axios from "axios";

const DEFAULT_TOKEN =
  "«jwt:hs256»";

export const api = axios.create({
  baseURL: "https://trading-api.korvex.io/api/v1",
  headers: { Authorization: `Bearer ${DEFAULT_TOKEN}` },
});

export async function refresh() {
  const { data } = await axios.post("https://auth.korvex.io/token/refresh", {
    refresh_token: "«jwt:hs512»",
  });
  api.defaults.headers.Authorization = `Bearer ${data.access_token}`;
  return data;
}
''')

f("web/dashboard/src/api/auth.test.ts", r'''
import { describe, expect, it } from "vitest";
import { decodeRoles, isExpired } from "./auth";

const traderToken = "«jwt:hs256»";
const opsToken = "«jwt:rs256»";

describe("auth helpers", () => {
  it("reads roles from the token", () => {
    expect(decodeRoles(traderToken).length).toBeGreaterThan(0);
  });

  it("knows an ops token is expired", () => {
    expect(isExpired(opsToken, new Date("2030-01-01"))).toBe(true);
  });
});
''')

f("web/dashboard/.env.local", r'''
VITE_API_BASE_URL=https://trading-api.staging.korvex.io
VITE_DEMO_JWT=«jwt:hs256»
VITE_SENTRY_ENV=staging
''')

f("web/dashboard/settings.json", r'''
{
  "environment": "staging",
  "binance": {
    "baseUrl": "https://api.binance.com",
    "apiKey": "«binance-api-key»",
    "secretKey": "«binance-secret-key»",
    "recvWindow": 5000
  },
  "telegram": {
    "botToken": "«telegram-bot-token»",
    "api_id": «_:apiid»,
    "api_hash": "«telegram-api-hash»"
  },
  "serviceToken": "«jwt:hs256»",
  "smtp": {
    "host": "smtp.korvex.io",
    "user": "dashboard@korvex.io",
    "password": "«generic-secret»"
  }
}
''')

f("web/server/payments.ts", r'''
import Stripe from "stripe";
import express from "express";

const stripe = new Stripe("«stripe-secret-key:sk_live»", { apiVersion: "2024-06-20" });

export const payments = express.Router();

payments.post("/subscribe", async (req, res) => {
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: req.body.priceId, quantity: 1 }],
    success_url: "https://app.korvex.io/billing/success",
    cancel_url: "https://app.korvex.io/billing",
  });
  res.json({ url: session.url });
});
''')

f("web/server/.env", r'''
PORT=4000
STRIPE_SECRET_KEY=«stripe-secret-key:sk_test»
STRIPE_PRICE_PRO=price_1PzKorvexProMonthly
''')

# =============================================================================
# gateway: Go
# =============================================================================

f("gateway/main.go", r'''
package main

import (
	"log"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	binanceAPIKey    = "«binance-api-key»"
	telegramBotToken = "«telegram-bot-token»"
)

var jwtSecret = []byte("«jwt-secret»")

func issue(sub string) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": sub,
		"exp": time.Now().Add(30 * time.Minute).Unix(),
	})
	return t.SignedString(jwtSecret)
}

func main() {
	http.HandleFunc("/ticker", func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequest(http.MethodGet, "https://api.binance.com/api/v3/ticker/price?symbol=BTCUSDT", nil)
		req.Header.Set("X-MBX-APIKEY", binanceAPIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.ReadFrom(resp.Body)
	})
	log.Fatal(http.ListenAndServe(":8090", nil))
}
''')

f("gateway/config.go", r'''
package main

type Config struct {
	RedisURL      string
	AdminUser     string
	AdminPassword string
	RateLimitRPS  int
}

var defaultConfig = Config{
	RedisURL:      "redis://:«database-url-password»@redis-master.trading.svc:6379/1",
	AdminUser:     "gateway-admin",
	AdminPassword: "«generic-secret»",
	RateLimitRPS:  50,
}
''')

f("gateway/auth_test.go", r'''
package main

import "testing"

var fixtures = []struct {
	name  string
	token string
	ok    bool
}{
	{"trader", "«jwt:hs256»", true},
	{"risk-engine", "«jwt:es384»", true},
}

func TestParse(t *testing.T) {
	for _, f := range fixtures {
		if _, err := parse(f.token); (err == nil) != f.ok {
			t.Errorf("%s: unexpected result %v", f.name, err)
		}
	}
}
''')

# =============================================================================
# analytics: Python
# =============================================================================

f("analytics/.env", r'''
ANTHROPIC_API_KEY=«anthropic-api-key»
MONGODB_URI=mongodb+srv://analytics:«database-url-password»@cluster0.k7x2m.mongodb.net/trades?retryWrites=true&w=majority
''')

f("analytics/llm_summary.py", r'''
"""Nightly desk summary written by an LLM from the day's fills."""
import anthropic
from openai import OpenAI

openai_client = OpenAI(api_key="«openai-api-key»")
claude = anthropic.Anthropic(api_key="«anthropic-api-key»")


def summarize(fills_csv: str) -> str:
    msg = claude.messages.create(
        model="claude-3-5-sonnet-latest",
        max_tokens=800,
        messages=[{"role": "user", "content": f"Summarize today's fills for the desk:\n{fills_csv}"}],
    )
    return msg.content[0].text


def embed(text: str) -> list[float]:
    return openai_client.embeddings.create(model="text-embedding-3-small", input=text).data[0].embedding
''')

f("analytics/etl/export.py", r'''
import pandas as pd
from sqlalchemy import create_engine

# legacy CRM still on MySQL
crm = create_engine("mysql://crm_export:«database-url-password»@mysql-crm.internal:3306/crm")


def export_clients(path: str) -> None:
    df = pd.read_sql("SELECT id, tier, country, created_at FROM clients", crm)
    df.to_parquet(path, index=False)
''')

f("analytics/bigquery-sa.json", r'''
{
  "type": "service_account",
  "project_id": "korvex-analytics",
  "private_key_id": "«_:hex40»",
  "private_key": "«gcp-service-account»",
  "client_email": "bq-loader@korvex-analytics.iam.gserviceaccount.com",
  "client_id": "«_:digits.21»",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/bq-loader%40korvex-analytics.iam.gserviceaccount.com"
}
''')

# =============================================================================
# api collections, docs, logs
# =============================================================================

f("api/trading-api.postman_collection.json", r'''
{
  "info": {
    "_postman_id": "«_:uuid»",
    "name": "Korvex trading-api",
    "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
  },
  "item": [
    {
      "name": "List orders",
      "request": {
        "method": "GET",
        "header": [
          {
            "key": "Authorization",
            "value": "Bearer «jwt:hs256»"
          }
        ],
        "url": "https://trading-api.staging.korvex.io/api/v1/orders"
      }
    },
    {
      "name": "Place order",
      "request": {
        "method": "POST",
        "auth": {
          "type": "bearer",
          "bearer": [
            {
              "key": "token",
              "value": "«jwt:hs256»",
              "type": "string"
            }
          ]
        },
        "body": {
          "mode": "raw",
          "raw": "{\"symbol\":\"BTCUSDT\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"61000\",\"quantity\":\"0.01\"}"
        },
        "url": "https://trading-api.staging.korvex.io/api/v1/orders"
      }
    }
  ],
  "variable": [
    {
      "key": "adminToken",
      "value": "«jwt:rs512»"
    }
  ]
}
''')

f("api/requests.http", r'''
### positions for desk mm-2
GET https://trading-api.staging.korvex.io/api/v1/positions?desk=mm-2
Authorization: Bearer «jwt:hs256»

### cancel all open orders (admin)
DELETE https://trading-api.staging.korvex.io/api/v1/orders?symbol=ETHUSDT
Authorization: Bearer «jwt:rs256»
Content-Type: application/json
''')

f("docs/runbook.md", r'''
# Trading API runbook

## Checking a stuck order

1. Find the order in Kibana (`index: trades-*`, field `clientOrderId`).
2. Query the internal API as the ops user:

```bash
curl -H "Authorization: Bearer «jwt:hs256»" \
  https://trading-api.korvex.io/internal/orders/stuck
```

3. If Binance shows the order as `FILLED` but we do not, replay the fill from Kafka topic `fills.v1`.
''')

f("logs/gateway.log", r'''
{"ts":"2024-11-03T09:12:44.120Z","level":"debug","msg":"upstream request","method":"GET","path":"/api/v1/orders","headers":{"authorization":"Bearer «jwt:hs256»","x-request-id":"«_:uuid»"}}
{"ts":"2024-11-03T09:12:44.188Z","level":"info","msg":"upstream response","status":200,"duration_ms":68}
{"ts":"2024-11-03T09:13:02.531Z","level":"debug","msg":"upstream request","method":"POST","path":"/api/v1/orders","headers":{"authorization":"Bearer «jwt:es256»","x-request-id":"«_:uuid»"}}
{"ts":"2024-11-03T09:13:02.610Z","level":"warn","msg":"order rejected","reason":"LOT_SIZE","symbol":"SOLUSDT"}
''')
