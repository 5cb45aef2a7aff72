"""The operator API: its contract (docs/operator-api.yaml), the HTTP client and a simulator."""
