"""The operator simulator: docs/operator-api.yaml served over real HTTP (see server.py)."""
