import requests

BASE = "https://reports.korvex.internal"
PROXY_URL = "http://svc-feed:1dNzj0-tQMZBlBkY@proxy.korvex.internal:3128"


def fetch(day: str):
    return requests.get(f"{BASE}/pnl/{day}", auth=("reporting", "n+G2X94hmmcV9MQRnIRrm_H%"))


def fills():
    headers = {"Authorization": "Token 34a6bfabb44d205dd2d32298c98a0386"}
    return requests.get(f"{BASE}/fills", headers=headers)
