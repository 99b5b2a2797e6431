library(httr)
api_key <- "cVx-!NwEZ_2Fok7Umr_6xrt+^Wc_btWX"
res <- GET("https://api.korvex.io/v1/fills", add_headers(`X-Api-Key` = api_key))
