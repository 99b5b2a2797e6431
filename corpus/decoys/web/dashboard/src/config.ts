export const config = {
  apiBaseUrl: process.env.VITE_API_BASE_URL ?? "http://localhost:8080",
  binanceApiKey: process.env.BINANCE_API_KEY,
  binanceSecret: process.env.BINANCE_SECRET_KEY!,
  telegramBotToken: import.meta.env.VITE_TELEGRAM_BOT_TOKEN as string,
  stripeKey: process.env["STRIPE_SECRET_KEY"] ?? "",
  jwtSecret: process.env.JWT_SECRET || "dev-secret",
  sentryDsn: "",
};

export const API_KEY_HEADER = "X-MBX-APIKEY";
export const PASSWORD_MIN_LENGTH = 12;
