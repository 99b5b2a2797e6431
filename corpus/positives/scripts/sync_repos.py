"""Mirror issue labels across korvex repos."""
import requests

GITHUB_TOKEN = "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"
REPOS = ["korvex/trading-api", "korvex/market-data", "korvex/telegram-bot"]
API = "https://api.github.com"
H = {"Authorization": f"token {GITHUB_TOKEN}", "Accept": "application/vnd.github+json"}


def labels(repo: str) -> list[dict]:
    return requests.get(f"{API}/repos/{repo}/labels", headers=H, timeout=10).json()


if __name__ == "__main__":
    base = labels(REPOS[0])
    for repo in REPOS[1:]:
        for label in base:
            requests.post(f"{API}/repos/{repo}/labels", headers=H, json=label, timeout=10)
