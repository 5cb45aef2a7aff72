"""A ZVT payment terminal on loopback TCP for the demo and the tests (same bytes as a real one)."""
