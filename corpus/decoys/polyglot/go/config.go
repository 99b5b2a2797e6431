package config

import "os"

var (
	apiKey    = os.Getenv("EXCHANGE_API_KEY")
	apiSecret = mustEnv("EXCHANGE_API_SECRET")
)

const tokenEnv = "FEED_TOKEN"

func password() string { return os.Getenv("DB_PASSWORD") }
