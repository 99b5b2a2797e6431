pub struct Settings {
    pub api_key: String,
}

pub fn load() -> anyhow::Result<Settings> {
    let api_key = std::env::var("EXCHANGE_API_KEY")?;
    let api_secret: String = env::var("EXCHANGE_API_SECRET").unwrap_or_default();
    const TOKEN_VAR: &str = "FEED_TOKEN";
    Ok(Settings { api_key })
}
