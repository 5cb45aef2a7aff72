"""Helpers for tests and demos that need a running operator: a simulator and its client.

Lives in the package (not under tests/) so every part of the kiosk that talks to the
operator can test against the same real HTTP simulator in two lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from kiosk.provider.client import OperatorClient
from kiosk.provider.demo_data import DEMO_KIOSK_ID, DEMO_KIOSK_KEY
from kiosk.provider.signing import sign_headers
from kiosk.provider.sim.server import OperatorSimulator


def client_for(sim: OperatorSimulator, **options: Any) -> OperatorClient:
    """A client for the demo kiosk on ``sim``; retries without waiting unless told."""
    options.setdefault("sleep", lambda _seconds: None)
    return OperatorClient(sim.url, DEMO_KIOSK_ID, DEMO_KIOSK_KEY, **options)


@contextmanager
def running_simulator(data_dir: Path, **options: Any) -> Iterator[OperatorSimulator]:
    sim = OperatorSimulator(data_dir, **options).start()
    try:
        yield sim
    finally:
        sim.stop()


def sent_code(sim: OperatorSimulator, challenge_id: str) -> str:
    """The code the customer's phone got, read over the simulator's test endpoint."""
    answer = requests.get(f"{sim.url}/_sim/otp", params={"challenge": challenge_id}, timeout=5)
    answer.raise_for_status()
    return answer.json()["code"]


def add_fault(sim: OperatorSimulator, **fault: Any) -> None:
    """Switch a fault on over the simulator's test endpoint, as an outside test would."""
    answer = requests.post(f"{sim.url}/_sim/faults", json=fault, timeout=5)
    answer.raise_for_status()


def signed_request(
    sim: OperatorSimulator, method: str, target: str, body: bytes = b"", **headers: str
) -> requests.Response:
    """A raw request signed as the demo kiosk: for what the client would never send."""
    signature = sign_headers(DEMO_KIOSK_KEY, DEMO_KIOSK_ID, method, target, body)
    return requests.request(method, sim.url + target, data=body, timeout=5,
                            headers=signature | {"Content-Type": "application/json"} | headers)
