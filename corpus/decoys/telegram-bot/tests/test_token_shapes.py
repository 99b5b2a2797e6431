"""Parser tests: none of these strings is a valid bot token or api hash."""
import pytest

from bot.tokens import parse_token

BAD_TOKENS = [
    "4871224:AA9an5a3TV0SwEFd96bw",
    "2744514:AAiWiufwjZsYDT6VBK1E",
    "6722468:AAengTiOhRIJkIMUTu-Z",
    "123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "<BOT_ID>:<BOT_SECRET>",
]

API_HASH_EXAMPLE = "your_api_hash"
api_hash = "00000000000000000000000000000000"


@pytest.mark.parametrize("raw", BAD_TOKENS)
def test_rejects(raw):
    with pytest.raises(ValueError):
        parse_token(raw)
