"""The payment port and its adapters (the simulator first)."""
