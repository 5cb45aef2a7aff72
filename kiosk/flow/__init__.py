"""The renewal flow engine: a state machine over core that journals before every side effect."""
