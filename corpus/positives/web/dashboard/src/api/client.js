import axios from "axios";

const DEFAULT_TOKEN =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJrb3J2ZXgtZ2F0ZXdheSIsInN1YiI6Im9wcy1ib3QiLCJhdWQiOiJkYXNoYm9hcmQiLCJpYXQiOjE3MzA1NDY0NzEsImV4cCI6MTczMDYzMjg3MSwianRpIjoiNDIwYjUzZmQtMzIzZS00YTk4LWE0Y2QtNDcxMDgyYmEwZTk0Iiwicm9sZXMiOlsiUkVBRF9PTkxZIl0sImRlc2siOiJzcG90In0.eyoT70KQbhbl5djFfG7pEnzyqitTza1RH3mYC0CJO10";

export const api = axios.create({
  baseURL: "https://trading-api.korvex.io/api/v1",
  headers: { Authorization: `Bearer ${DEFAULT_TOKEN}` },
});

export async function refresh() {
  const { data } = await axios.post("https://auth.korvex.io/token/refresh", {
    refresh_token: "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguc3RhZ2luZy5rb3J2ZXguaW8iLCJzdWIiOiJvcHMtYm90IiwiYXVkIjoiZGFzaGJvYXJkIiwiaWF0IjoxNzMzNzk4MDk5LCJleHAiOjE3MzM3OTg5OTksImp0aSI6IjdlNTQzZDU2LTdlMGUtNGE0NC1iY2JhLWI4MWQzMGY1OGFhYiIsInJvbGVzIjpbIlRSQURFUiIsIlJJU0tfVklFVyJdfQ.ZduwbXt7vS5xJuFv77HwOTjHMy5DyLy_EJrK_ChVgD2GCg8HFl8yNpE5EtVaJvmEB70IcbA1V9Gc8VXtQw5qNw",
  });
  api.defaults.headers.Authorization = `Bearer ${data.access_token}`;
  return data;
}
