from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings; values from the environment override these defaults."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_name: str = "market-data"
    binance_base_url: str = "https://api.binance.com"
    binance_api_key: str = "1sRexgmEzwo43ZO4ga9PAKpD56mrKwUYAT7cNbLYmPuA4M0C4DlV3SDSdikd5c5y"
    binance_api_secret: str = "lD2mpSQs3Et1WIifN8JZyPcOkWnjH63MoINM9gZrGDm29v8DbVhMuOl764r1jdCB"
    kline_intervals: list[str] = ["1m", "5m", "1h"]

    jwt_secret: str = "S3hQK/dlyXOuaebuGKSUnEvUAEIwhinRg2llVXcCWPc="
    jwt_algorithm: str = "HS256"
    access_token_ttl: int = 1800

    oauth_client_id: str = "market-data-svc"
    client_secret: str = "8iR^NBGS_cdoAkbJp=Wlg3cc"
    oauth_token_url: str = "https://sso.korvex.io/realms/trading/protocol/openid-connect/token"


@lru_cache
def get_settings() -> Settings:
    return Settings()
