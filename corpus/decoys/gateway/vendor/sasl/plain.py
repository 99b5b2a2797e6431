class SaslPlain:
    def __init__(self, config):
        self.username = config['sasl_plain_username']
        self.password = config['sasl_plain_password']
        self.api_secret = settings['exchange_api_secret2']
