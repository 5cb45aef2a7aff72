"""Structured logging (one JSON object per line) that cannot leak customer data.

Every record passes a redaction filter: ICCIDs, phone numbers, card numbers and anything in a
field named like a secret are masked before a handler sees them, so a careless ``log.info``
cannot put a full ICCID, PAN, OTP or key in a log file.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

_ICCID = re.compile(r"(?<!\d)89\d{15,16}(\d{2})(?!\d)")
_PAN = re.compile(r"(?<!\d)\d{9,15}(\d{4})(?!\d)")
_PHONE = re.compile(r"\+\d{6,11}(\d{4})(?!\d)")
_SECRET_FIELDS = re.compile(r"otp|code|key|secret|pin|password|token|signature|pan", re.I)
_BENIGN_FIELDS = {"error_code", "status_code", "reason_code", "message_key", "http_code"}


def redact_text(text: str) -> str:
    text = _ICCID.sub(lambda m: "****" + m.group(0)[-4:], text)
    text = _PHONE.sub(lambda m: "+***" + m.group(1), text)
    return _PAN.sub(lambda m: "****" + m.group(1), text)


def redact_value(name: str, value: Any) -> Any:
    if _SECRET_FIELDS.search(name) and name not in _BENIGN_FIELDS:
        return "***"
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    return value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": redact_text(record.getMessage()),
        }
        for name, value in getattr(record, "fields", {}).items():
            entry[name] = redact_value(name, value)
        if record.exc_info:
            entry["exc"] = redact_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log a named event with structured fields: ``event(log, "payment.approved", tx=...)``."""
    logger.log(level, name, extra={"fields": fields})


def setup(level: str = "info", stream: Any = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
