package main

import "os"

type Config struct {
	BinanceAPIKey    string
	BinanceSecretKey string
	TelegramToken    string
	JWTSecret        []byte
	RedisURL         string
}

func load() Config {
	return Config{
		BinanceAPIKey:    os.Getenv("BINANCE_API_KEY"),
		BinanceSecretKey: os.Getenv("BINANCE_SECRET_KEY"),
		TelegramToken:    os.Getenv("TELEGRAM_BOT_TOKEN"),
		JWTSecret:        []byte(os.Getenv("JWT_SECRET")),
		RedisURL:         getenv("REDIS_URL", "redis://localhost:6379/0"),
	}
}

func getenv(k, def string) string {
	if v, ok := os.LookupEnv(k); ok {
		return v
	}
	return def
}

const adminPassword = "REPLACE_ME"
