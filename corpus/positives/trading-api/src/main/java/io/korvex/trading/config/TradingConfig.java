package io.korvex.trading.config;

import com.binance.connector.client.SpotClient;
import com.binance.connector.client.impl.SpotClientImpl;
import io.korvex.trading.telegram.AlertBot;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.telegram.telegrambots.meta.TelegramBotsApi;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.updatesreceivers.DefaultBotSession;

@Configuration
public class TradingConfig {

    // TODO(PLAT-412): move to Vault before go-live
    private static final String TELEGRAM_BOT_TOKEN = "400122514:AADFNNd1TmSt7zmOk4lgi6S7r1xqT-PCpO9";
    private static final String WEBHOOK_SECRET = "EQNy67h.GboKktw8fGZrha";
    private static final String BINANCE_BASE_URL = "https://api.binance.com";

    @Bean
    public SpotClient spotClient() {
        return new SpotClientImpl(
                "BYO9Au2LuUGLGXfHl2iTAo7SuzHyOGx8PvlN6n1mABrIPArN8puJ9KFMGrEbOetV",
                "sHmfvFaCMeOrOYHPX3hsukKhLjxItW7OYnVSTR2ang8yv2yrT3sZWU4LjBlevaHE",
                BINANCE_BASE_URL);
    }

    @Bean
    public AlertBot alertBot() throws TelegramApiException {
        AlertBot bot = new AlertBot(TELEGRAM_BOT_TOKEN, "korvex_alerts_bot");
        new TelegramBotsApi(DefaultBotSession.class).registerBot(bot);
        return bot;
    }

    @Bean
    public WebhookVerifier webhookVerifier() {
        return new WebhookVerifier(WEBHOOK_SECRET);
    }
}
