import json
import os

import redis
import requests

BOT_TOKEN = "1840386751:AAwPm8Bo3r3eMUbYeCCARSEaHC5Pbqj2F7f"
CHAT = os.getenv("SIGNALS_CHAT_ID", "-1004144196652")
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
