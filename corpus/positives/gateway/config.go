package main

type Config struct {
	RedisURL      string
	AdminUser     string
	AdminPassword string
	RateLimitRPS  int
}

var defaultConfig = Config{
	RedisURL:      "redis://:rkTQ1LU4ENW6uwC35~oV@redis-master.trading.svc:6379/1",
	AdminUser:     "gateway-admin",
	AdminPassword: "U!%ZBqbQ6xUhhuX6XyHO*g+lX",
	RateLimitRPS:  50,
}
