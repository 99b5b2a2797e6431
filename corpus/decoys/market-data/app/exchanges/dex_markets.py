"""Market metadata from the DEX aggregator (sample responses kept as documentation)."""


def parse_market(raw: dict) -> dict:
    #     {
    #         "symbol": "WETH/USDC",
    #         "baseToken": "0xDa13CaC6d2a90c3fE90b41c6fbf6cf1F68A1FAc5",
    #         "quoteToken": "0x40D4b017DE7cA88D4E62ae391ff2b09371c7FA11",
    #         "collateralToken": "0x089512d752a11a31c4f8b8dc620103be1e71e4bc",
    #         "tokenAddress": "0xfe6e126df224ced1ac28ffebbf720ec44f684685",
    #         "l1_token_address": "0x3E91D1772293A668347d8b0db45A8a0BdfB52C42",
    #         "token": "0x2e50dd2d88f2827fb624bdb96eb45354b3e54380",
    #         "decimals": 18
    #     }
    return {
        "base": raw["baseToken"],
        "quote": raw["quoteToken"],
    }


STABLE = {"token": "0xc1e6682464a756C4d365fAe9f48cd9c6918b903b", "symbol": "USDT"}
