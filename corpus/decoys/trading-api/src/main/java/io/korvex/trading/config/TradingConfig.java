package io.korvex.trading.config;

import com.binance.connector.client.SpotClient;
import com.binance.connector.client.impl.SpotClientImpl;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class TradingConfig {

    private static final String TELEGRAM_TOKEN_ENV = "TELEGRAM_BOT_TOKEN";
    private static final String JWT_SECRET_PROPERTY = "app.jwt.secret";

    @Value("${binance.api-key}")
    private String apiKey;

    @Value("${binance.secret-key}")
    private String secretKey;

    @Bean
    public SpotClient spotClient() {
        return new SpotClientImpl(apiKey, secretKey);
    }

    @Bean
    public String telegramBotToken() {
        String token = System.getenv("TELEGRAM_BOT_TOKEN");
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("TELEGRAM_BOT_TOKEN is not set, e.g. 123456789:your_token_here");
        }
        return token;
    }

    static String jwtSecret() {
        return System.getenv().getOrDefault("JWT_SECRET", "changeme");
    }

    static final String PASSWORD = "";
}
