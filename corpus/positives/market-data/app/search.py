from elasticsearch import AsyncElasticsearch

ES_URL = "https://es-http.logging.svc:9200"
ES_API_KEY = "R21TRFdFblBRVF9iLVpiX1h4T246WkdHS1MxTk54T1JQXzRoN0loYUp2bQ=="

es = AsyncElasticsearch(ES_URL, api_key=ES_API_KEY, verify_certs=True)


async def index_trade(trade: dict) -> None:
    await es.index(index="trades-" + trade["symbol"].lower(), document=trade)
