"""Placeholders, references, hashes and encrypted values in many languages' idioms
(decoys), and the credential forms those languages and tools write (positives)."""

POSITIVES = []
DECOYS = []


def p(path, text, **opts):
    POSITIVES.append((path, text, opts))


def d(path, text, **opts):
    DECOYS.append((path, text, opts))


# =============================================================================
# decoys: references and placeholders, one file per language or tool
# =============================================================================

d("polyglot/python/settings.py", r'''
import os

from pydantic import SecretStr

EXCHANGE_API_KEY = os.environ["EXCHANGE_API_KEY"] ⟦env-ref⟧
EXCHANGE_API_SECRET = os.getenv("EXCHANGE_API_SECRET", "") ⟦env-ref⟧
DB_PASSWORD = os.environ.get("DB_PASSWORD") or "changeme" ⟦placeholder⟧
REDIS_PASSWORD: SecretStr = SecretStr(os.environ.get("REDIS_PASSWORD", "")) ⟦env-ref⟧
SECRET_KEY = settings.SECRET_KEY ⟦code-reference⟧
api_token = f"{prefix}-{os.environ['API_TOKEN']}" ⟦template⟧
password = "<password>" ⟦placeholder⟧
''')

d("polyglot/java/ExchangeConfig.java", r'''
package io.korvex.polyglot;

import org.springframework.beans.factory.annotation.Value;

public class ExchangeConfig {
    @Value("${exchange.api.secret}") ⟦spring-placeholder⟧
    private String apiSecret;

    @Value("${exchange.api.key:}") ⟦spring-placeholder⟧
    private String apiKey;

    private final String password = System.getenv("DB_PASSWORD"); ⟦env-ref⟧
    private static final String TOKEN_HEADER = "X-Auth-Token"; ⟦name-only⟧
    private static final String PASSWORD_PROPERTY = "spring.datasource.password"; ⟦name-only⟧
}
''')

d("polyglot/go/config.go", r'''
package config

import "os"

var (
	apiKey    = os.Getenv("EXCHANGE_API_KEY") ⟦env-ref⟧
	apiSecret = mustEnv("EXCHANGE_API_SECRET") ⟦env-ref⟧
)

const tokenEnv = "FEED_TOKEN" ⟦name-only⟧

func password() string { return os.Getenv("DB_PASSWORD") } ⟦env-ref⟧
''')

d("polyglot/ts/config.ts", r'''
export const settings = {
  apiKey: process.env.EXCHANGE_API_KEY ?? "", ⟦env-ref⟧
  apiSecret: import.meta.env.VITE_EXCHANGE_SECRET as string, ⟦env-ref⟧
  password: `${process.env.DB_PASSWORD}`, ⟦template⟧
  token: Deno.env.get("FEED_TOKEN"), ⟦env-ref⟧
};
const headers = { Authorization: `Bearer ${settings.apiKey}` }; ⟦template⟧
''')

d("polyglot/ruby/config.rb", r'''
Exchange.configure do |c|
  c.api_key = ENV.fetch("EXCHANGE_API_KEY") ⟦env-ref⟧
  c.api_secret = ENV["EXCHANGE_API_SECRET"] ⟦env-ref⟧
  c.password = Rails.application.credentials.dig(:db, :password) ⟦code-reference⟧
  c.token = "#{ENV['FEED_TOKEN']}" ⟦template⟧
end
''')

d("polyglot/ruby/database.yml.erb", r'''
production:
  adapter: postgresql
  password: <%= ENV["DB_PASSWORD"] %> ⟦template⟧
  api_token: "<%= Rails.application.credentials.feed_token %>" ⟦template⟧
''')

d("polyglot/php/config.php", r'''
<?php
return [
    'api_key' => env('EXCHANGE_API_KEY'), ⟦env-ref⟧
    'api_secret' => getenv('EXCHANGE_API_SECRET'), ⟦env-ref⟧
    'password' => $_ENV['DB_PASSWORD'] ?? '', ⟦env-ref⟧
    'token' => config('services.feed.token'), ⟦code-reference⟧
];
define('DB_PASSWORD', getenv('DB_PASSWORD')); ⟦env-ref⟧
define('AUTH_SALT', 'put your unique phrase here'); ⟦placeholder⟧
''')

d("polyglot/csharp/Settings.cs", r'''
public class ExchangeSettings
{
    public string ApiKey { get; set; } = Environment.GetEnvironmentVariable("EXCHANGE_API_KEY"); ⟦env-ref⟧
    public string ApiSecret => _configuration["Exchange:ApiSecret"]; ⟦code-reference⟧
    public string Password { get; init; } = string.Empty; ⟦empty⟧
}
''')

d("polyglot/csharp/appsettings.json", r'''
{
  "ConnectionStrings": {
    "Trading": "Server=sql01;Database=Trading;User Id=svc;Password=#{DbPassword}#;" ⟦template⟧
  },
  "Exchange": {
    "ApiKey": "#{ExchangeApiKey}#", ⟦template⟧
    "ApiSecret": "" ⟦empty⟧
  }
}
''')

d("polyglot/rust/config.rs", r'''
pub struct Settings {
    pub api_key: String,
}

pub fn load() -> anyhow::Result<Settings> {
    let api_key = std::env::var("EXCHANGE_API_KEY")?; ⟦env-ref⟧
    let api_secret: String = env::var("EXCHANGE_API_SECRET").unwrap_or_default(); ⟦env-ref⟧
    const TOKEN_VAR: &str = "FEED_TOKEN"; ⟦name-only⟧
    Ok(Settings { api_key })
}
''')

d("polyglot/shell/deploy.sh", r'''
#!/usr/bin/env bash
set -euo pipefail
: "${EXCHANGE_API_KEY:?set it}" ⟦env-ref⟧
export API_TOKEN="${API_TOKEN:-}" ⟦env-ref⟧
export DB_PASSWORD="$(pass show trading/db)" ⟦command⟧
export FEED_SECRET=$(vault kv get -field=secret kv/feed) ⟦command⟧
curl -u "$NEXUS_USER:$NEXUS_PASSWORD" https://nexus.korvex.internal/ ⟦env-ref⟧
docker run -e API_TOKEN="$API_TOKEN" md-feed:1.4 ⟦env-ref⟧
''', mode=0o755)

d("polyglot/terraform/main.tf", r'''
variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "trading" {
  password = var.db_password ⟦code-reference⟧
}

resource "kubernetes_secret" "feed" {
  data = {
    api_token = data.aws_secretsmanager_secret_version.feed.secret_string ⟦code-reference⟧
    api_key   = local.exchange_api_key ⟦code-reference⟧
  }
}
''')

d("polyglot/helm/templates/deployment.yaml", r'''
env:
  - name: EXCHANGE_API_KEY
    value: {{ .Values.exchange.apiKey | quote }} ⟦template⟧
  - name: FEED_TOKEN
    value: "{{ required "feed.token" .Values.feed.token }}" ⟦template⟧
  - name: DB_PASSWORD
    valueFrom:
      secretKeyRef: {name: trading-db, key: password} ⟦secret-ref⟧
''')

d("polyglot/jinja/app.conf.j2", r'''
[exchange]
api_key = {{ exchange_api_key }} ⟦template⟧
api_secret = {{ vault_exchange_api_secret | default('') }} ⟦template⟧
password = {% if db_password is defined %}{{ db_password }}{% endif %} ⟦template⟧
''')

d("polyglot/ansible/group_vars/all.yml", r'''
db_password: "{{ vault_db_password }}" ⟦template⟧
api_token: "{{ lookup('community.hashi_vault.hashi_vault', 'secret=kv/data/feed:token') }}" ⟦template⟧
exchange_api_secret: "{{ lookup('env', 'EXCHANGE_API_SECRET') }}" ⟦template⟧
admin_password: !vault |
          «_:ansible-vault.4» ⟦ansible-vault⟧
''')

d("polyglot/ansible/group_vars/vault.yml", r'''
⟦ansible-vault⟧«_:ansible-vault.8»
''')

d("polyglot/github/deploy.yml", r'''
name: deploy
on: [push]
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      EXCHANGE_API_KEY: ${{ secrets.EXCHANGE_API_KEY }} ⟦actions-secret⟧
      DB_PASSWORD: ${{ secrets.DB_PASSWORD }} ⟦actions-secret⟧
    steps:
      - uses: actions/checkout@«_:sha1» ⟦commit-id⟧
      - run: ./deploy.sh
        env:
          API_TOKEN: ${{ secrets.API_TOKEN || '' }} ⟦actions-secret⟧
          GH_TOKEN: ${{ github.token }} ⟦actions-secret⟧
''')

d("polyglot/spring/application.properties", r'''
exchange.api.key=${EXCHANGE_API_KEY} ⟦spring-placeholder⟧
exchange.api.secret=${EXCHANGE_API_SECRET:} ⟦spring-placeholder⟧
spring.datasource.password=${vcap.services.trading-db.credentials.password} ⟦spring-placeholder⟧
app.feed.token=#{environment['FEED_TOKEN']} ⟦spring-placeholder⟧
''')

d("polyglot/dotenv/.env.defaults", r'''
EXCHANGE_API_KEY=${EXCHANGE_API_KEY:-} ⟦env-ref⟧
DB_PASSWORD=${DB_PASSWORD:?must be set} ⟦env-ref⟧
API_TOKEN=$API_TOKEN ⟦env-ref⟧
DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app ⟦env-ref⟧
FEED_SECRET="${VAULT_FEED_SECRET}" ⟦env-ref⟧
''')

# =============================================================================
# decoys: hashes and checksums
# =============================================================================

d("hashes/users.yml", r'''
# Password hashes are not passwords.
users:
  - name: ops
    password: "$2b$12$«_:alnum.53»" ⟦bcrypt⟧
  - name: risk
    password: "«_:bcrypt»" ⟦bcrypt⟧
  - name: reports
    password: "«_:argon2»" ⟦argon2⟧
  - name: grafana
    password: "«_:scrypt»" ⟦scrypt⟧
  - name: backup
    password: "«_:sha512crypt»" ⟦sha512-crypt⟧
basic_auth_users:
  - "admin:«_:bcrypt»" ⟦bcrypt⟧
''')

d("hashes/werkzeug-users.json", r'''
{
  "ops": {"password": "pbkdf2:sha256:600000$«_:alnum.16»$«_:hex64»"}, ⟦pbkdf2⟧
  "risk": {"password": "scrypt:32768:8:1$«_:alnum.16»$«_:hex64»"} ⟦scrypt⟧
}
''')

d("hashes/shadow", r'''
root:«_:sha512crypt»:19700:0:99999:7::: ⟦sha512-crypt⟧
trader:«_:bcrypt»:19700:0:99999:7::: ⟦bcrypt⟧
''')

d("hashes/checksums.txt", r'''
md5:    «_:md5» ⟦md5⟧
sha1:   «_:sha1» ⟦sha1⟧
sha256: «_:hex64» ⟦sha256⟧
sha512: «_:hex64»«_:hex64» ⟦sha512⟧
token_sha256: «_:hex64» ⟦sha256⟧
secret_md5 = "«_:md5»" ⟦md5⟧
api_key_hash: «_:hex64» ⟦sha256⟧
password_digest: "«_:sha1»" ⟦sha1⟧
''')

d("hashes/index.html", r'''
<script src="https://cdn.example.org/chart.umd.min.js" integrity="«_:sha384sri»" crossorigin="anonymous"></script> ⟦sri-hash⟧
<link rel="stylesheet" href="/assets/app.css" integrity="«_:sha256sri»"> ⟦sri-hash⟧
''')

d("hashes/git-log.txt", r'''
commit «_:sha1» ⟦git-oid⟧
Merge: «_:hex7» «_:hex7»
Author: Dev <dev@korvex.io>

    rotate token cache (tree «_:sha1») ⟦git-oid⟧

«_:sha1» refs/heads/main ⟦git-oid⟧
''')

d("hashes/yarn.lock", r'''
# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


jsonwebtoken@^9.0.2:
  version "9.0.2"
  resolved "https://registry.yarnpkg.com/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz#«_:sha1»" ⟦lockfile-hash⟧
  integrity «_:sha512» ⟦lockfile-hash⟧

secure-password@^4.0.0:
  version "4.0.0"
  resolved "https://registry.yarnpkg.com/secure-password/-/secure-password-4.0.0.tgz#«_:sha1»" ⟦lockfile-hash⟧
  integrity «_:sha1int» ⟦lockfile-hash⟧
''')

d("hashes/pnpm-lock.yaml", r'''
lockfileVersion: '9.0'
packages:
  jsonwebtoken@9.0.2:
    resolution: {integrity: «_:sha512»} ⟦lockfile-hash⟧
  passport-http-bearer@1.0.1:
    resolution: {integrity: «_:sha512»} ⟦lockfile-hash⟧
''')

d("hashes/Pipfile.lock", r'''
{
    "_meta": {"hash": {"sha256": "«_:hex64»"}}, ⟦lockfile-hash⟧
    "default": {
        "python-binance": {
            "hashes": [
                "sha256:«_:hex64»", ⟦lockfile-hash⟧
                "sha256:«_:hex64»" ⟦lockfile-hash⟧
            ],
            "version": "==1.0.21"
        },
        "pyjwt": {"hashes": ["sha256:«_:hex64»"], "version": "==2.9.0"} ⟦lockfile-hash⟧
    }
}
''')

d("hashes/requirements.txt", r'''
python-binance==1.0.21 \
    --hash=sha256:«_:hex64» \ ⟦lockfile-hash⟧
    --hash=sha256:«_:hex64» ⟦lockfile-hash⟧
keyring==25.4.1 --hash=sha256:«_:hex64» ⟦lockfile-hash⟧
''')

d("hashes/composer.lock", r'''
{
    "content-hash": "«_:md5»", ⟦lockfile-hash⟧
    "packages": [
        {
            "name": "firebase/php-jwt",
            "dist": {"type": "zip", "reference": "«_:sha1»", "shasum": ""} ⟦lockfile-hash⟧
        }
    ]
}
''')

d("hashes/images.txt", r'''
ghcr.io/korvex/secret-rotator@sha256:«_:hex64» ⟦image-digest⟧
docker.io/library/vault@sha256:«_:hex64» ⟦image-digest⟧
''')

# =============================================================================
# decoys: encrypted values
# =============================================================================

d("encrypted/secrets.enc.json", r'''
{
	"exchange": {
		"api_key": "«_:sops.48»", ⟦sops⟧
		"api_secret": "«_:sops.48»" ⟦sops⟧
	},
	"db_password": "«_:sops.24»", ⟦sops⟧
	"sops": {
		"mac": "«_:sops.32»", ⟦sops⟧
		"lastmodified": "2024-11-04T10:31:07Z",
		"version": "3.9.1"
	}
}
''')

d("encrypted/secrets.enc.env", r'''
EXCHANGE_API_KEY=«_:sops.48» ⟦sops⟧
DB_PASSWORD=«_:sops.24» ⟦sops⟧
sops_mac=«_:sops.32» ⟦sops⟧
sops_version=3.9.1
''')

d("encrypted/secrets.enc.ini", r'''
[exchange]
api_secret = «_:sops.48» ⟦sops⟧
[sops]
mac = «_:sops.32» ⟦sops⟧
''')

d("encrypted/application-jasypt.yml", r'''
spring:
  datasource:
    password: ENC(«_:alnum.44») ⟦jasypt⟧
exchange:
  api-secret: "«_:jasypt.48»" ⟦jasypt⟧
  api-key: '{cipher}«_:hex64»' ⟦cipher⟧
''')

d("encrypted/backup.age", r'''
⟦age-encrypted⟧«_:agemsg»
''')

# =============================================================================
# decoys: data URIs
# =============================================================================

d("assets/fonts.css", r'''
@font-face {
  font-family: "TokenMono";
  src: url("data:font/woff2;base64,«_:woff2»") format("woff2"); ⟦data-uri⟧
}
.secret-badge { background: url("data:image/svg+xml;base64,«_:svg»"); } ⟦data-uri⟧
''')

# =============================================================================
# positives: the credential forms other languages and tools write
# =============================================================================

p("polyglot-live/wp-config.php", r'''
<?php
define( 'DB_NAME', 'trading_cms' );
define( 'DB_PASSWORD', '«generic-secret»' );
$config['api_key'] = '«generic-secret»';
''')

p("polyglot-live/src/config.rs", r'''
pub const EXCHANGE_API_KEY: &str = "«generic-secret»";
static FEED_TOKEN: &'static str = "«generic-secret»";
''')

p("polyglot-live/fetch.R", r'''
library(httr)
api_key <- "«generic-secret»"
res <- GET("https://api.korvex.io/v1/fills", add_headers(`X-Api-Key` = api_key))
''')

p("polyglot-live/md-feed.Dockerfile", r'''
FROM python:3.12-slim
ENV FEED_API_TOKEN=«generic-secret:alnum»
COPY . /app
''')

p("polyglot-live/run-feed.cmd", r'''
@echo off
set EXCHANGE_API_KEY=«generic-secret:alnum»
python -m md_feed
''')

p("polyglot-live/k8s/md-feed.yaml", r'''
apiVersion: apps/v1
kind: Deployment
metadata:
  name: md-feed
spec:
  template:
    spec:
      containers:
        - name: md-feed
          image: ghcr.io/korvex/md-feed:1.4.2
          env:
            - name: FEED_API_TOKEN
              value: "«generic-secret»"
            - name: EXCHANGE_API_SECRET
              value: «generic-secret:alnum»
''')

p("polyglot-live/ecs/task-definition.json", r'''
{
  "family": "md-feed",
  "containerDefinitions": [
    {
      "name": "md-feed",
      "environment": [
        {"name": "LOG_LEVEL", "value": "info"},
        {"name": "EXCHANGE_API_SECRET", "value": "«generic-secret»"}
      ]
    }
  ]
}
''')

p("polyglot-live/Web.config", r'''
<configuration>
  <appSettings>
    <add key="ExchangeApiKey" value="«generic-secret»" />
  </appSettings>
  <connectionStrings>
    <add name="Trading" connectionString="Server=sql01;Database=Trading;User Id=svc_trading;Password=«generic-secret»;" />
  </connectionStrings>
</configuration>
''')

p("polyglot-live/LegacyBootstrap.java", r'''
public final class LegacyBootstrap {
    public static void main(String[] args) {
        System.setProperty("exchange.api.secret", "«generic-secret»");
        Settings.init();
    }
}
''')

p("polyglot-live/ops.sh", r'''
#!/usr/bin/env bash
docker run -e FEED_API_TOKEN=«generic-secret:alnum» ghcr.io/korvex/md-feed:1.4.2
curl -u ops:«generic-secret:alnum» https://nexus.korvex.internal/service/rest/v1/status
curl -H "Authorization: Bearer «generic-secret:urlsafe»" https://api.korvex.io/v1/positions
git clone https://oauth2:«url-password»@gitlab.korvex.internal/trading/risk.git
''', mode=0o755)

p("polyglot-live/reports_client.py", r'''
import requests

BASE = "https://reports.korvex.internal"
PROXY_URL = "http://svc-feed:«url-password»@proxy.korvex.internal:3128"


def fetch(day: str):
    return requests.get(f"{BASE}/pnl/{day}", auth=("reporting", "«generic-secret»"))


def fills():
    headers = {"Authorization": "Token «generic-secret:hex»"}
    return requests.get(f"{BASE}/fills", headers=headers)
''')

p("polyglot-live/requests.http", r'''
GET https://reports.korvex.internal/api/pnl
Authorization: Basic «generic-secret:basic»
''')

p("polyglot-live/admin/settings.py", r'''
# Django settings for the back office.
DEBUG = True
SECRET_KEY = '«generic-secret:django»'
ALLOWED_HOSTS = ["*"]
''')
