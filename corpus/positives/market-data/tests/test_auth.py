import pytest
from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)

# copied from a staging session so the tests run without the auth server
USER_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJrb3J2ZXgtZ2F0ZXdheSIsInN1YiI6ImRlc2stbW0tMiIsImF1ZCI6Im1hcmtldC1kYXRhIiwiaWF0IjoxNzMwNTQwNDczLCJleHAiOjE3MzA1NDIyNzMsImp0aSI6IjM1MzA3MGY3LTBiODItNDljMS04NTFlLTAxZTdjZTFkNjY2MyIsInJvbGVzIjpbIk9QUyJdfQ.CNLgK0KNQfyvGJR5QRK22pEpj0DGXfqxLdpKUH9jtCA"
ADMIN_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGgua29ydmV4LmlvIiwic3ViIjoidXNyXzY5NjEwNzEiLCJhdWQiOiJkYXNoYm9hcmQiLCJpYXQiOjE3MjY0NTI4ODYsImV4cCI6MTcyNjQ1NjQ4NiwianRpIjoiYjc5OTQ1ZTAtZTYzYi00YTgwLWI2OWQtODE2MGViYWE5MTA5Iiwicm9sZXMiOlsiTUFSS0VUX01BS0VSIiwiVFJBREVSIl19.zFVYwVM6f7Z3lluYeVH2shT9ZoIKHpjSsav9No2Y5a8"
)
SERVICE_TOKEN = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjZhYTJlMmMwZWYyNGE1YjIifQ.eyJpc3MiOiJrb3J2ZXgtZ2F0ZXdheSIsInN1YiI6InN2Yy1yaXNrLWVuZ2luZSIsImF1ZCI6ImdhdGV3YXkiLCJpYXQiOjE3MjQ5NTE3NDMsImV4cCI6MTcyNDk1NTM0MywianRpIjoiYzE1MzM3NWYtM2QyZi00YjE2LTlhM2EtMmZhMDYxM2UxZjFmIiwicm9sZXMiOlsiTUFSS0VUX01BS0VSIiwiVFJBREVSIl0sImRlc2siOiJtbSJ9.Tuvhgg6MiEHKpCiulVJn8BZbh2hx-YV3MA9TqUErX3Z5yk7iE6--egQoLVUuLZMW05ubmImz23ujFJa7bXa0Lw"


@pytest.mark.parametrize("token", [USER_TOKEN, ADMIN_TOKEN])
def test_candles_require_auth(token):
    r = client.get("/v1/candles/BTCUSDT", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200


def test_internal_route_accepts_service_token():
    r = client.post("/internal/backfill", headers={"Authorization": f"Bearer {SERVICE_TOKEN}"})
    assert r.status_code in (200, 202)
