"""On-chain settlement wallet (BSC) for Binance withdrawals."""
from web3 import Web3

RPC_URL = "https://bsc-dataseed.example.org"
SETTLEMENT_ADDRESS = "0xc9CF08447C933d345297B3c1be0eB236bfa9BaAc"
PRIVATE_KEY = "0xf8e5c650f03fc71a50324dde3cb85deb72a96cd5f6757f6c76497df22b85d6da"


def account():
    return Web3().eth.account.from_key(PRIVATE_KEY)
