export const settings = {
  apiKey: process.env.EXCHANGE_API_KEY ?? "",
  apiSecret: import.meta.env.VITE_EXCHANGE_SECRET as string,
  password: `${process.env.DB_PASSWORD}`,
  token: Deno.env.get("FEED_TOKEN"),
};
const headers = { Authorization: `Bearer ${settings.apiKey}` };
