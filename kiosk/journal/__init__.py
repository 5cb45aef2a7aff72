"""The durable journal of every renewal attempt, and the recovery that reads it at start-up."""
