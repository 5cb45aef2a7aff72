"""Structured logging (one JSON object per line) that cannot leak customer data.

Redaction works on what would be written, not on what the caller meant: the message text, every
field at any depth (dict keys name their values, lists inherit their name), exception text and
any object's ``str()`` pass through the same patterns before the line is rendered. A careless
``log.info(f"... {phone}")`` is caught as surely as ``event(log, "x", phone=...)``.

What is hidden, and how:

- Any run of 11 or more digits, anywhere (ICCIDs, card numbers, phone numbers without ``+``),
  and any run of 10 or more written with a phone's or card's spaces, dashes and brackets
  (``+7 (912) 345-67-89``, ``8 912 345 67 89``, ``8970 1012 3456 7890 123``), keeps only its
  last 4 digits (``****6789``, ``+***6789``).
- A value after a secret's name in text (``code 123456``, ``otp=4821``, ``key=...``,
  ``"pin": "2580"``, ``Authorization: Bearer ...``) becomes ``***``; a hex string of 32 or more
  digits (keys, digests) too.
- A field whose name is a secret's (otp, code, pin, key, token, secret, password, signature,
  auth..., sms, cvv) is ``***`` whatever its value; one whose name is an identifier's (phone,
  msisdn, iccid, pan, card_number) keeps the last 4 of its digits.

The trade-off, chosen so nothing identifying survives: a benign long number is hidden too (an
epoch in milliseconds, two amounts written ``12345 67890``), and a bare 4-8 digit code with no
name before it cannot be told from a count and is let through. Transaction ids
(``K-1-20260304-0123456789``), timestamps, amounts such as ``1500.00`` and HTTP codes are kept:
digits glued to a word or a dash, or cut by ``:`` or ``.``, are not read as a phone number.
Regexes rather than ``phonenumbers.PhoneNumberMatcher``: a mistyped or foreign number must be
hidden as surely as a valid one.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

_LONG_RUN = re.compile(r"\+?\d{11,}")
_FORMATTED = re.compile(
    r"(?<![\w\-.,:])(?<!\d[:.,])"            # not the tail of a word, an id, a time or amount
    r"\+?\(?\d(?:[ \t\-()]{0,4}\d){9,}"      # 10+ digits, in groups as phones are written
    r"(?![\w])(?!-\w)(?![:.,]\d)"
)
_HEX = re.compile(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{32,}(?![0-9A-Za-z])")
_VALUE = r"(?:(?:Bearer|Basic|Digest|HMAC|Token)\s+)?[^\s,;&\"'<>(){}\[\]|]+"
_NAMED = re.compile(
    r"(?P<name>[A-Za-z_][\w.-]*)(?P<sep>[\"']?\s*[:=]\s*[\"']?)(?P<value>" + _VALUE + ")"
)
_SPOKEN = re.compile(
    r"(?<![\w-])(?P<name>otp|code|pin|passcode|password|key|token|secret|sms|signature"
    r"|код|пароль|验证码|驗證碼)s?(?P<sep>\s+(?:is\s+|was\s+|of\s+)?|\s*[:：]\s*)"
    r"(?P<value>[^\s,;]*\d[^\s,;]*)",
    re.I,
)

_SECRET_PARTS = {"otp", "code", "pin", "passcode", "key", "apikey", "token", "secret", "password",
                 "passwd", "signature", "sig", "auth", "authorization", "sms", "cvv", "cvc",
                 "cookie", "credential", "credentials"}
_SECRET_WORDS = ("secret", "passw", "token", "signature", "auth", "credential", "apikey", "otp")
_IDENTITY_PARTS = {"phone", "msisdn", "mobile", "iccid", "pan", "cardnumber"}
_BENIGN_FIELDS = {"error_code", "status_code", "reason_code", "message_key", "http_code",
                  "exit_code", "currency_code", "country_code", "language_code"}
_MASK = "***"


def _name_parts(name: str) -> list[str]:
    words = re.split(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])", name)
    parts = [w.lower().removesuffix("s") for w in words if w]
    return parts + ["".join(parts[i:i + 2]) for i in range(len(parts) - 1)]


def _is_secret_name(name: str) -> bool:
    if name.lower() in _BENIGN_FIELDS:
        return False
    lowered = name.lower()
    return any(p in _SECRET_PARTS for p in _name_parts(name)) or any(
        w in lowered for w in _SECRET_WORDS)


def _is_identity_name(name: str) -> bool:
    return any(p in _IDENTITY_PARTS for p in _name_parts(name))


def _tail(match: re.Match) -> str:
    written = match.group(0)
    digits = "".join(c for c in written if c.isdigit())
    return ("+***" if written.startswith("+") else "****") + digits[-4:]


def _named(match: re.Match) -> str:
    if not _is_secret_name(match["name"]):
        return match.group(0)
    return match["name"] + match["sep"] + _MASK


def _spoken(match: re.Match) -> str:
    if len(match["value"]) < 4:  # "code 404", "pin 3 of 5": not a code
        return match.group(0)
    return match.group(0)[: match.start("value") - match.start()] + _MASK


def redact_text(text: str) -> str:
    """Every identifier and named secret in ``text`` hidden (see the module docstring)."""
    text = _LONG_RUN.sub(_tail, text)
    text = _FORMATTED.sub(_tail, text)
    text = _HEX.sub(_MASK, text)
    text = _NAMED.sub(_named, text)
    return _SPOKEN.sub(_spoken, text)


def redact_value(name: str, value: Any) -> Any:
    """``value`` as it may be logged under ``name``: JSON-ready, with nothing identifying."""
    if _is_secret_name(name):
        return _MASK
    if isinstance(value, dict):
        return {redact_text(str(k)): redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [redact_value(name, v) for v in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        text = str(value)
        return value if redact_text(text) == text and not _is_identity_name(name) else (
            _identity(text))
    text = value if isinstance(value, str) else str(value)
    return _identity(text) if _is_identity_name(name) else redact_text(text)


def _identity(text: str) -> str:
    """An identifier's field: whatever its format, only its last 4 digits."""
    digits = [c for c in text if c.isdigit()]
    if len(digits) < 4:
        return redact_text(text)
    return ("+***" if text.lstrip().startswith("+") else "****") + "".join(digits[-4:])


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": redact_text(record.getMessage()),
        }
        for name, value in getattr(record, "fields", {}).items():
            entry[redact_text(str(name))] = redact_value(str(name), value)
        if record.exc_info:
            entry["exc"] = redact_text(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact_text(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False)


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log a named event with structured fields: ``event(log, "payment.approved", tx=...)``."""
    logger.log(level, name, extra={"fields": fields})


def setup(level: str = "info", stream: Any = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
