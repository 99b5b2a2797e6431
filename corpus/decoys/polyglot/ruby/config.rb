Exchange.configure do |c|
  c.api_key = ENV.fetch("EXCHANGE_API_KEY")
  c.api_secret = ENV["EXCHANGE_API_SECRET"]
  c.password = Rails.application.credentials.dig(:db, :password)
  c.token = "#{ENV['FEED_TOKEN']}"
end
