pub const EXCHANGE_API_KEY: &str = "rjqSkkISa8S*MlgI30G!OhXtRIx";
static FEED_TOKEN: &'static str = "H_KnCbF_+q+ZZBlv8H+M";
