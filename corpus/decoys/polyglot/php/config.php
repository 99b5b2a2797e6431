<?php
return [
    'api_key' => env('EXCHANGE_API_KEY'),
    'api_secret' => getenv('EXCHANGE_API_SECRET'),
    'password' => $_ENV['DB_PASSWORD'] ?? '',
    'token' => config('services.feed.token'),
];
define('DB_PASSWORD', getenv('DB_PASSWORD'));
define('AUTH_SALT', 'put your unique phrase here');
