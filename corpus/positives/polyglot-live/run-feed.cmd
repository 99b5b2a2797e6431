@echo off
set EXCHANGE_API_KEY=twYmGNFy2Nkkkz1ZdtDjWLYnuY97
python -m md_feed
