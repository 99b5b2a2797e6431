import os

from binance.client import Client
from telegram.ext import Application

TOKEN = os.environ["TELEGRAM_BOT_TOKEN"]
API_ID = int(os.getenv("TELEGRAM_API_ID", "0"))
API_HASH = os.getenv("TELEGRAM_API_HASH")
JWT_SECRET = os.environ.get("JWT_SECRET", "changeme")
SEND_URL = f"https://api.telegram.org/bot{TOKEN}/sendMessage"
SESSION_ID = "7e275f08-670f-452d-bbe5-bab2dbe9845c"

client = Client(os.environ["BINANCE_API_KEY"], os.environ["BINANCE_SECRET_KEY"])
testnet = Client(api_key=os.getenv("BINANCE_TESTNET_API_KEY"), api_secret=os.getenv("BINANCE_TESTNET_SECRET"))


def main() -> None:
    app = Application.builder().token(TOKEN).build()
    app.run_polling()


if __name__ == "__main__":
    main()
