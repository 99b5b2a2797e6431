module.exports = {
  platform: 'github',
  endpoint: 'https://api.github.com/',
  token: 'ghp_5SXjnpRmPjA1F1T7dz9UgNwLkBmt3kQbthK1',
  repositories: ['korvex/trading-api', 'korvex/market-data', 'korvex/dashboard'],
  onboarding: false,
  prConcurrentLimit: 5,
};
