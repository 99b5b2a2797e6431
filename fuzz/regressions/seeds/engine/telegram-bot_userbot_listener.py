"""Listens to partner signal channels with a user account (Telethon)."""
from telethon import TelegramClient, events

api_id = 37189499
api_hash = "d7e30afb566cf162b7deeda7b8661d71"
CHANNELS = ["@cryptosignals_partner", "@korvex_research"]

client = TelegramClient("korvex-userbot", api_id, api_hash)


@client.on(events.NewMessage(chats=CHANNELS))
async def on_signal(event):
    text = event.raw_text
    if "LONG" in text or "SHORT" in text:
        await client.forward_messages("me", event.message)


client.start()
client.run_until_disconnected()
