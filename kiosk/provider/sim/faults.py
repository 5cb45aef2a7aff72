"""Faults the simulator can play, so the client is tested against what networks really do.

A fault matches requests by method and path prefix and hits ``count`` of them (None: every
one until cleared). Faults come from the Python API, ``POST /_sim/faults``, an ``X-Sim-Fault``
header on one request, or the command line (``--fault drop_after,path=/v1/renewals``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class FaultKind(StrEnum):
    LATENCY = "latency"  # wait delay_ms, then answer normally
    SERVER_ERROR = "server_error"  # answer ``status`` (5xx) in the envelope, do nothing
    DROP_BEFORE = "drop_before"  # close the connection without doing anything
    DROP_AFTER = "drop_after"  # do the work (apply a renewal), then close without answering
    MALFORMED_BODY = "malformed_body"  # do the work, answer truncated JSON
    WRONG_CONTENT_TYPE = "wrong_content_type"  # do the work, answer an HTML page
    GARBAGE = "garbage"  # do the work, answer bytes that are not text
    MISSING_FIELD = "missing_field"  # do the work, leave ``field`` out of the answer
    WRONG_CURRENCY = "wrong_currency"  # do the work, every currency in the answer becomes USD
    RENEWAL_FAILED = "renewal_failed"  # the next renewal is recorded as failed
    RENEWAL_PENDING = "renewal_pending"  # the next renewal stays pending until read back


RESPONSE_FAULTS = {
    FaultKind.MALFORMED_BODY,
    FaultKind.WRONG_CONTENT_TYPE,
    FaultKind.GARBAGE,
    FaultKind.MISSING_FIELD,
    FaultKind.WRONG_CURRENCY,
}

OUTCOME_FAULTS = {FaultKind.RENEWAL_FAILED, FaultKind.RENEWAL_PENDING}
RENEWALS_PATH = "/v1/renewals"


@dataclass
class Fault:
    kind: FaultKind
    method: str | None = None  # None: any method
    path: str | None = None  # a prefix of the request path; None: any path
    count: int | None = 1  # requests it still hits; None: until cleared
    delay_ms: int = 0
    status: int = 503
    field: str | None = None

    def __post_init__(self) -> None:
        self.kind = FaultKind(self.kind)
        self.method = self.method.upper() if self.method else None
        if self.count is not None and self.count < 1:
            raise ValueError("count must be at least 1, or null for every request")
        if not 0 <= self.delay_ms <= 120_000:
            raise ValueError("delay_ms must be between 0 and 120000")
        if not 500 <= self.status <= 599:
            raise ValueError("status must be a 5xx code")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        """A fault from a JSON object; anything unknown or mistyped is a ValueError."""
        if not isinstance(data, Mapping):
            raise ValueError("a fault is a JSON object")
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
        if data.get("kind") not in set(FaultKind):
            raise ValueError(f"kind must be one of {', '.join(FaultKind)}")
        for name in ("count", "delay_ms", "status"):
            value = data.get(name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise ValueError(f"{name} must be an integer")
        for name in ("method", "path", "field"):
            if data.get(name) is not None and not isinstance(data[name], str):
                raise ValueError(f"{name} must be a string")
        return cls(**data)

    @classmethod
    def from_spec(cls, spec: str) -> Fault:
        """``KIND[,name=value...]``, e.g. ``latency,delay_ms=500,count=0`` (0: every request)."""
        kind, *pairs = [part.strip() for part in spec.split(",") if part.strip()] or [""]
        data: dict[str, Any] = {"kind": kind}
        for pair in pairs:
            name, sep, value = pair.partition("=")
            if not sep:
                raise ValueError(f"expected name=value, got {pair!r}")
            data[name] = int(value) if name in ("count", "delay_ms", "status") else value
        if data.get("count") == 0:
            data["count"] = None
        return cls.from_json(data)

    def matches(self, method: str, path: str) -> bool:
        if self.kind in OUTCOME_FAULTS and (method, path) != ("POST", RENEWALS_PATH):
            return False
        if self.method and self.method != method:
            return False
        return not self.path or path.startswith(self.path)

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {"kind": self.kind.value}


class FaultPlan:
    def __init__(self, faults: list[Fault] | None = None) -> None:
        self._faults = list(faults or [])
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, method: str, path: str) -> list[Fault]:
        """The faults that hit this request, each counted down (and dropped when used up)."""
        hits = []
        with self._lock:
            for fault in list(self._faults):
                if not fault.matches(method, path):
                    continue
                hits.append(fault)
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
        return hits
