"""ZVT (the German ECR interface) over TCP: codec, transport, adapter and a terminal simulator.

Written from the public specification (ECR-Interface / ZVT-Protocol); no ZVT library is on
the package registries.
"""
