public class ExchangeSettings
{
    public string ApiKey { get; set; } = Environment.GetEnvironmentVariable("EXCHANGE_API_KEY");
    public string ApiSecret => _configuration["Exchange:ApiSecret"];
    public string Password { get; init; } = string.Empty;
}
