"""Posts the daily desk stand-up summary to #trading-desk."""
from slack_sdk import WebClient

SLACK_USER_TOKEN = "xoxp-930431956722-339762380683-9285796270216-30b4b497913fb2fc444628ca266c3fe5"
client = WebClient(token=SLACK_USER_TOKEN)

summary = open("/var/run/korvex/standup.md").read()
client.chat_postMessage(channel="#trading-desk", text=summary, mrkdwn=True)
