"""Binance sub-account helpers."""
from binance.client import Client


def create_subaccount_key(client: Client, email: str) -> dict:
    """Create an API key for a sub-account.

    Sample response::

        {
            "subaccountId": 79363501,
            "apiKey": "5xDyeOo24vKrm9lcIqWAX10IK1AcaAqNkAjTlac6gd5752CZfjwMipYIzdzOJ8U5",
            "canTrade": true
        }
    """
    return client._request_margin_api("post", "sub-account/subAccountApi/ipRestriction", True)
