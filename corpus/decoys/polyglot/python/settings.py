import os

from pydantic import SecretStr

EXCHANGE_API_KEY = os.environ["EXCHANGE_API_KEY"]
EXCHANGE_API_SECRET = os.getenv("EXCHANGE_API_SECRET", "")
DB_PASSWORD = os.environ.get("DB_PASSWORD") or "changeme"
REDIS_PASSWORD: SecretStr = SecretStr(os.environ.get("REDIS_PASSWORD", ""))
SECRET_KEY = settings.SECRET_KEY
api_token = f"{prefix}-{os.environ['API_TOKEN']}"
password = "<password>"
