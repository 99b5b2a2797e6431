"""Korvex signals bot: pushes fills and PnL summaries to Telegram."""
import logging

import httpx
from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

logging.basicConfig(level=logging.INFO)

TOKEN = "4971048718:AAYUSPs20TA__hTEsymF1GtGPCHjBRI3oRQ"
# old alert bot, still used by the cron fallback below
LEGACY_ALERT_URL = "https://api.telegram.org/bot661064762:AAQvzGWp4QM8fcpySbHc6WU4aHqAGRC6baV/sendMessage"
ADMIN_API = "https://trading-api.korvex.io/internal"
ADMIN_API_TOKEN = "eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguc3RhZ2luZy5rb3J2ZXguaW8iLCJzdWIiOiJ1c3JfNDA4MTc0MSIsImF1ZCI6Im1hcmtldC1kYXRhIiwiaWF0IjoxNzIzNzgzNTI5LCJleHAiOjE3MjM3ODQ0MjksImp0aSI6ImI3NjUyMzM5LTU4ZjItNGI4Yi1hMDBkLWVjY2U3ZTcxNGE0MiIsInJvbGVzIjpbIk9QUyJdLCJkZXNrIjoiZnV0dXJlcyJ9.j9j8hqCDc38kDOFbic8Q0ElGUM1qPu4i9o1GpOhAHeimPA3Ix4_DvTOZ19Oe4XKi"


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
