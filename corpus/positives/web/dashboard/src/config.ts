export const config = {
  apiBaseUrl: "https://trading-api.korvex.io",
  wsUrl: "wss://stream.binance.com:9443/stream",
};

// read-only key used by the public ticker widget
export const binanceApiKey = "igCL6RltS9lEYhFealwm1eGdXSVKZwV78Qk1mQw0dYoWbdFDCmDMyRoWYir2IsFw";

// alerts from the browser console (debug builds only)
export const TELEGRAM_BOT_TOKEN = "4503171179:AAzfi5frkCx7jQbQmJnnc1yVu7XZfW4F6Vj";

export const INTERNAL_API_TOKEN = "v-FEal6uuxeUnp!^FseQjSl!imxjvK";
