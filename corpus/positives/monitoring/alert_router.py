"""Routes Alertmanager webhooks to Slack threads per incident."""
from fastapi import FastAPI, Request
from slack_sdk.web.async_client import AsyncWebClient

app = FastAPI()
slack = AsyncWebClient(token="xoxb-106450823733-9483951949799-HgYr7QfcVfQais6N3tuZkd4E")
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
