"""The kiosk's one TOML configuration file, validated whole at load.

A bad file is refused at start with every problem listed, one line each, naming the file, the
key and the reason, so a field engineer fixes it in one pass. No file means the embedded demo:
simulators on loopback, sample cards, receipts written to files.

The schema is declared as data (``SCHEMA``) so that validation, the example file and the
defaults cannot drift apart.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.i18n import LANGUAGES


@dataclass(frozen=True)
class Field:
    type: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    secret: bool = False  # must be set (non-empty) unless the section runs on a simulator
    choices: tuple[Any, ...] = ()
    min: float | None = None
    max: float | None = None
    check: Callable[[Any], str | None] | None = None  # returns a reason, or None when fine


def _timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown timezone {value!r}"
    return None


def _url(value: str) -> str | None:
    if not value.startswith(("http://", "https://")):
        return "must start with http:// or https://"
    return None


def _printer_profile(value: str) -> str | None:
    """python-escpos's own profile list is the authority on which printers exist."""
    from escpos.capabilities import CAPABILITIES

    if value not in CAPABILITIES["profiles"]:
        return f"unknown printer profile {value!r} (see python-escpos capabilities)"
    return None


def _currency(value: str) -> str | None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        return "must be a 3-letter ISO 4217 code such as RUB"
    return None


SCHEMA: dict[str, dict[str, Field]] = {
    "kiosk": {
        "id": Field(str, "DEMO-0001"),
        "location": Field(str, "Demo kiosk"),
        "timezone": Field(str, "Europe/Moscow", check=_timezone),
        "currency": Field(str, "RUB", check=_currency),
        "default_language": Field(str, "en", choices=LANGUAGES),
        "mode": Field(str, "self_service", choices=("self_service", "assisted")),
        "support_contact": Field(str, "+7 800 000-00-00"),
        "operator_name": Field(str, "Russia Travel Card"),
        "e_receipt_base_url": Field(str, "https://receipts.example/r/", check=_url),
        # Start-up found money the journal cannot account for: stop selling until an
        # engineer has looked (``kiosk review``).
        "out_of_service_on_review": Field(bool, True),
    },
    "operator": {
        "backend": Field(str, "simulator", choices=("simulator", "http")),
        "url": Field(str, "", check=lambda v: _url(v) if v else None),
        "kiosk_key": Field(str, "", secret=True),
        "connect_timeout_s": Field((int, float), 3.0, min=0.1, max=60),
        "read_timeout_s": Field((int, float), 10.0, min=0.1, max=120),
        # One call, all attempts and reads; None: connect + read + DEADLINE_MARGIN_S.
        "deadline_s": Field((int, float), None, min=1, max=600),
        "verify_tls": Field(bool, True),
        "ca_bundle": Field(str, ""),
    },
    "payment": {
        "backend": Field(str, "simulator", choices=("simulator",)),
        "methods": Field(list, ["card"], check=lambda v: _methods(v)),
        "timeout_s": Field((int, float), 120.0, min=5, max=600),
    },
    "printer": {
        "transport": Field(str, "virtual", choices=("virtual", "network", "usb", "serial", "file")),
        "profile": Field(str, "TM-T88V", check=lambda v: _printer_profile(v)),
        "host": Field(str, "127.0.0.1"),
        "port": Field(int, 9100, min=1, max=65535),
        "usb_vendor_id": Field(int, 0, min=0, max=0xFFFF),
        "usb_product_id": Field(int, 0, min=0, max=0xFFFF),
        "serial_device": Field(str, ""),
        "baudrate": Field(int, 115200, choices=(9600, 19200, 38400, 57600, 115200)),
        "path": Field(str, ""),
        "timeout_s": Field((int, float), 5.0, min=0.5, max=60),
        "refuse_sale_when_unavailable": Field(bool, False),
        "gb18030": Field(bool, False),  # the printer has a Chinese font (Chinese-market model)
        "clerk_language": Field(str, "ru", choices=LANGUAGES),
    },
    "scanner": {
        "source": Field(str, "demo"),
        "width": Field(int, 1280, min=160, max=3840),
        "height": Field(int, 720, min=120, max=2160),
        "wedge_max_key_interval_ms": Field(int, 50, min=5, max=500),
    },
    "ui": {
        "orientation": Field(str, "portrait", choices=("portrait", "landscape")),
        "width": Field(int, 1080, min=320, max=7680),
        "height": Field(int, 1920, min=320, max=7680),
        "idle_timeout_s": Field(int, 60, min=10, max=600),
        "idle_warning_s": Field(int, 15, min=3, max=120),
    },
    "maintenance": {
        "pin": Field(str, "", secret=True),
        "lockout_attempts": Field(int, 5, min=1, max=20),
        "lockout_minutes": Field(int, 5, min=1, max=1440),
    },
    "journal": {
        # the key of iccid_hash (kiosk.journal.hash_key); empty: a key file in the data dir
        "iccid_hash_key": Field(str, "", check=lambda v: _hash_key(v)),
    },
}


def _hash_key(value: str) -> str | None:
    if value and len(value.encode()) < 32:
        return "must be at least 32 characters of random secret (or empty: a key file)"
    return None

_METHODS = ("card", "sbp_qr", "alipay", "wechat", "cash")
DEADLINE_MARGIN_S = 3.0


def _methods(value: list) -> str | None:
    unknown = [m for m in value if m not in _METHODS]
    if not value:
        return "must name at least one payment method"
    if unknown:
        return f"unknown payment method(s) {unknown}; expected some of {list(_METHODS)}"
    return None


class ConfigError(Exception):
    """The file was refused; ``problems`` holds one ``file: key: reason`` line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Config:
    values: Mapping[str, Mapping[str, Any]]
    source: Path | None  # None: the embedded demo defaults

    @property
    def is_demo(self) -> bool:
        return self.source is None

    def section(self, name: str) -> Mapping[str, Any]:
        return self.values[name]

    def __getitem__(self, dotted: str) -> Any:
        section, key = dotted.split(".", 1)
        return self.values[section][key]


def _type_name(expected: type | tuple[type, ...]) -> str:
    types = expected if isinstance(expected, tuple) else (expected,)
    names = {int: "integer", float: "number", str: "string", bool: "true/false", list: "list"}
    return " or ".join(names.get(t, t.__name__) for t in types)


def _problem_with(field: Field, value: Any) -> str | None:
    expected = field.type if isinstance(field.type, tuple) else (field.type,)
    if isinstance(value, bool) and bool not in expected:
        return f"expected {_type_name(field.type)}, got true/false"
    if not isinstance(value, expected):
        return f"expected {_type_name(field.type)}, got {type(value).__name__}"
    if field.choices and value not in field.choices:
        return f"must be one of {', '.join(map(str, field.choices))}; got {value!r}"
    if field.min is not None and value < field.min:
        return f"must be at least {field.min}; got {value}"
    if field.max is not None and value > field.max:
        return f"must be at most {field.max}; got {value}"
    return field.check(value) if field.check else None


def _uses_simulator(section: Mapping[str, Any]) -> bool:
    return section.get("backend", "simulator") == "simulator"


def validate(raw: Mapping[str, Any], where: str) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Merge ``raw`` over the defaults; return the values and every problem found."""
    problems: list[str] = []
    values = {name: {k: f.default for k, f in fields.items()} for name, fields in SCHEMA.items()}
    for section_name, section in raw.items():
        fields = SCHEMA.get(section_name)
        if fields is None:
            problems.append(f"{where}: {section_name}: unknown section")
            continue
        if not isinstance(section, dict):
            problems.append(f"{where}: {section_name}: expected a [{section_name}] table")
            continue
        for key, value in section.items():
            field = fields.get(key)
            if field is None:
                problems.append(f"{where}: {section_name}.{key}: unknown key")
                continue
            reason = _problem_with(field, value)
            if reason:
                problems.append(f"{where}: {section_name}.{key}: {reason}")
            else:
                values[section_name][key] = value
    problems.extend(_cross_checks(values, raw, where))
    return values, problems


def _cross_checks(values: dict, raw: Mapping[str, Any], where: str) -> list[str]:
    problems = []
    for section_name, fields in SCHEMA.items():
        section = values[section_name]
        for key, field in fields.items():
            needed = field.secret and (
                section_name == "maintenance" or not _uses_simulator(section)
            )
            if needed and not section.get(key):
                problems.append(f"{where}: {section_name}.{key}: missing secret")
    if values["operator"]["backend"] == "http" and not values["operator"]["url"]:
        problems.append(f"{where}: operator.url: required when operator.backend is http")
    problems.extend(_operator_deadline(values["operator"], where))
    return problems


def _operator_deadline(operator: dict[str, Any], where: str) -> list[str]:
    """The call deadline must leave room for one whole attempt; unset, it is derived."""
    floor = float(operator["connect_timeout_s"] + operator["read_timeout_s"])
    if operator["deadline_s"] is None:
        operator["deadline_s"] = floor + DEADLINE_MARGIN_S
    elif operator["deadline_s"] <= floor:
        return [f"{where}: operator.deadline_s: must be above connect_timeout_s + "
                f"read_timeout_s ({floor}); got {operator['deadline_s']}"]
    return []


def load(path: Path | None) -> Config:
    """The validated configuration from ``path``; None gives the embedded demo."""
    if path is None:
        values, _ = validate({}, "<demo>")
        return Config(values, None)
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{where}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{where}: cannot read: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{where}: not valid TOML: {exc}"]) from None
    values, problems = validate(raw, where)
    if problems:
        raise ConfigError(problems)
    return Config(values, path)
