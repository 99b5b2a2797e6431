import asyncio

import ccxt.async_support as ccxt

exchange = ccxt.binance({
    'apiKey': 'kK5hvA1FiqEUxNb76nZJOHvWX857lgGcGv8f8XoymSSQs06p6T3z6q8TteTPacZS',
    'secret': 'jxUVO2DXIs8rV4M2vvbfzT6ZDKNP1zRxkovhpKuIsrDl3shZh8Ye5rbetZGuiAG4',
    'enableRateLimit': True,
    'options': {'defaultType': 'spot'},
})

PAIRS = [("BTC/USDT", "ETH/BTC", "ETH/USDT"), ("BTC/USDT", "BNB/BTC", "BNB/USDT")]


async def triangle(a: str, b: str, c: str) -> float:
    ta, tb, tc = await asyncio.gather(*(exchange.fetch_ticker(s) for s in (a, b, c)))
    return (1 / ta["ask"]) * (1 / tb["ask"]) * tc["bid"]


async def main() -> None:
    try:
        for pair in PAIRS:
            print(pair, await triangle(*pair))
    finally:
        await exchange.close()


if __name__ == "__main__":
    asyncio.run(main())
