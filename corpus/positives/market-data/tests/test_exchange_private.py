import ccxt


def make_exchange():
    exchange = ccxt.binance()
    exchange.apiKey = '+53TBZWVI6Tj+Z82A4A2AatZ3HUzINQX8mbQlaTL'
    exchange.secret = 'm2H==29Vws_2wsWBRBtdS5'
    exchange.privateKey = '55e9f372e4c60f9319cfc0dbaf348a6223b5d100f44d06933b1fe77b8bc041b0'
    return exchange
