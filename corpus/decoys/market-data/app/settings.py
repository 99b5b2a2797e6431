import os

from pydantic import SecretStr
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    binance_api_key: SecretStr = SecretStr("")
    binance_api_secret: SecretStr = SecretStr("")
    jwt_secret: str = os.getenv("JWT_SECRET", "")
    client_secret: str = "<CLIENT_SECRET>"
    database_url: str = "postgresql://postgres:postgres@localhost:5432/marketdata"
    openai_api_key: str = "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    anthropic_api_key: str = "sk-ant-..."


def describe(s: Settings) -> str:
    return f"api key set: {bool(s.binance_api_key.get_secret_value())}, secret: {s.binance_api_secret}"
