package io.korvex.polyglot;

import org.springframework.beans.factory.annotation.Value;

public class ExchangeConfig {
    @Value("${exchange.api.secret}")
    private String apiSecret;

    @Value("${exchange.api.key:}")
    private String apiKey;

    private final String password = System.getenv("DB_PASSWORD");
    private static final String TOKEN_HEADER = "X-Auth-Token";
    private static final String PASSWORD_PROPERTY = "spring.datasource.password";
}
