"""The kiosk's one TOML configuration file, validated whole at load.

A bad file is refused at start with every problem listed, one line each, naming the file, the
key and the reason, so a field engineer fixes it in one pass. No file means the embedded demo:
simulators on loopback, sample cards, receipts written to files.

The schema is declared as data (``SCHEMA``) so that validation, the example file and the
defaults cannot drift apart.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
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
    unavailable: str = ""  # set: no code reads this key yet, so a file that sets it is refused


MAX_FILE_BYTES = 1024 * 1024
NOT_YET = "not available in this version"
# The id goes into the X-Kiosk-Id header of every operator call: printable ASCII, no spaces.
_KIOSK_ID = re.compile(r"[!-~]{1,32}")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _shown(value: Any) -> str:
    """A value as a problem line quotes it: short (a 5000-digit integer cannot even be
    printed, and a 100 kB string would bury the line)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an integer of {value.bit_length()} bits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown timezone {_shown(value)}"
    return None


def _url(value: str) -> str | None:
    if not value.startswith(("http://", "https://")):
        return "must start with http:// or https://"
    try:
        host = urlsplit(value).hostname
    except ValueError as exc:
        return f"not a URL: {exc}"
    if not host:
        return f"names no host; got {_shown(value)}"
    return None


def _kiosk_id(value: str) -> str | None:
    if not _KIOSK_ID.fullmatch(value):
        return ("must be 1 to 32 printable ASCII characters without spaces (it is sent in "
                f"the X-Kiosk-Id header); got {_shown(value)}")
    return None


def _self_service_only(value: str) -> str | None:
    if value != "self_service":
        return f"{_shown(value)} is {NOT_YET} (only self_service; staff modes come later)"
    return None


def _pin(value: str) -> str | None:
    if not (value.isascii() and value.isdigit() and 6 <= len(value) <= 32):
        return "must be 6 to 32 digits"
    return None


def _printer_profile(value: str) -> str | None:
    """python-escpos's own profile list is the authority on which printers exist."""
    from escpos.capabilities import CAPABILITIES

    if value not in CAPABILITIES["profiles"]:
        return f"unknown printer profile {_shown(value)} (see python-escpos capabilities)"
    return None


def _currency(value: str) -> str | None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        return "must be a 3-letter ISO 4217 code such as RUB"
    return None


SCHEMA: dict[str, dict[str, Field]] = {
    "kiosk": {
        "id": Field(str, "DEMO-0001", check=_kiosk_id),
        "location": Field(str, "Demo kiosk"),
        "timezone": Field(str, "Europe/Moscow", check=_timezone),
        "currency": Field(str, "RUB", check=_currency),
        "default_language": Field(str, "en", choices=LANGUAGES),
        "mode": Field(str, "self_service", choices=("self_service", "assisted"),
                      check=_self_service_only),
        "support_contact": Field(str, "+7 800 000-00-00"),
        "operator_name": Field(str, "Russia Travel Card"),
        "e_receipt_base_url": Field(str, "https://receipts.example/r/", check=_url),
        # Start-up found money the journal cannot account for: stop selling until an
        # engineer has looked (``kiosk review``).
        "out_of_service_on_review": Field(bool, True),
    },
    "operator": {
        "backend": Field(str, "simulator", choices=("simulator", "http")),
        "url": Field(str, ""),  # checked with the demo flag in _operator_problems
        "kiosk_key": Field(str, "", secret=True),
        "connect_timeout_s": Field((int, float), 3.0, min=0.1, max=60),
        "read_timeout_s": Field((int, float), 10.0, min=0.1, max=120),
        # One call, all attempts and reads; None: connect + read + DEADLINE_MARGIN_S.
        "deadline_s": Field((int, float), None, min=1, max=600),
        "verify_tls": Field(bool, True),
        "ca_bundle": Field(str, ""),
    },
    "payment": {
        "backend": Field(str, "simulator", choices=("simulator", "zvt", "upos")),
        "methods": Field(list, ["card"], check=lambda v: _methods(v)),
        "timeout_s": Field((int, float), 120.0, min=5, max=600,
                           unavailable="the payment simulator has no timeout to set"),
    },
    # [payment.zvt]: the card terminal over ZVT/TCP (payment.backend = "zvt"); in a demo the
    # terminal simulator runs on loopback instead and host/port are not used.
    "payment.zvt": {
        "host": Field(str, "127.0.0.1"),
        "port": Field(int, 20007, min=1, max=65535),
        "password": Field(str, "000000", check=lambda v: _zvt_password(v)),
        "currency": Field(str, "RUB", choices=("RUB", "EUR")),
        "reservation": Field(bool, False),  # the terminal supports 06 22 / 06 24 / 06 25
        "connect_timeout_s": Field((int, float), 3.0, min=0.1, max=60),
        "ack_timeout_s": Field((int, float), 5.0, min=0.5, max=60),  # T3
        "idle_timeout_s": Field((int, float), 180.0, min=10, max=900),
        # In a demo file: start the terminal simulator in the kiosk (true), or talk to the
        # one at host:port (false: ``kiosk terminal-sim`` run on its own, or a test terminal).
        "demo_simulator": Field(bool, True),
    },
    # [payment.upos]: Sber's terminal through its vendor program sb_pilot (backend "upos").
    "payment.upos": {
        "executable": Field(str, ""),  # the sb_pilot program; relative: from the file's folder
        "config_dir": Field(str, ""),  # pinpad.ini and what else it reads beside it
        "timeout_s": Field((int, float), 180.0, min=10, max=900),  # the customer's time too
        "query_timeout_s": Field((int, float), 30.0, min=5, max=300),
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
        "pin": Field(str, "", secret=True, check=_pin),
        "lockout_attempts": Field(int, 5, min=1, max=20),
        "lockout_minutes": Field(int, 5, min=1, max=1440),
    },
    "journal": {
        # the key of iccid_hash (kiosk.journal.hash_key); empty: a key file in the data dir
        "iccid_hash_key": Field(str, "", check=lambda v: _hash_key(v)),
    },
}


def _zvt_password(value: str) -> str | None:
    if len(value) != 6 or not value.isdigit():
        return "must be the terminal's six-digit password"
    return None


def _lift_subsections(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """``[payment.zvt]`` arrives from TOML as ``payment = {zvt = {...}}``: validated as its
    own section, named as the file names it (``[payment.upos]`` the same)."""
    payment = raw.get("payment")
    if not isinstance(payment, dict):
        return raw
    nested = [name for name in _PAYMENT_SUBSECTIONS if isinstance(payment.get(name), dict)]
    if not nested:
        return raw
    lifted = dict(raw)
    lifted["payment"] = {k: v for k, v in payment.items() if k not in nested}
    for name in nested:
        lifted[f"payment.{name}"] = payment[name]
    return lifted


_PAYMENT_SUBSECTIONS = ("zvt", "upos")


def _hash_key(value: str) -> str | None:
    if value and len(value.encode()) < 32:
        return "must be at least 32 characters of random secret (or empty: a key file)"
    return None


# Top-level keys (outside any section).
TOP_LEVEL: dict[str, Field] = {
    "demo": Field(bool, False),  # true: simulators allowed, no real money (kiosk run)
}

# Sections the schema knows but no code uses yet: a file that has one is refused.
UNAVAILABLE_SECTIONS = {"maintenance": "there is no maintenance mode yet"}

_METHODS = ("card", "sbp_qr", "alipay", "wechat", "cash")
DEADLINE_MARGIN_S = 3.0


def _methods(value: list) -> str | None:
    if not all(isinstance(m, str) for m in value):
        return "must be an array of strings"
    unknown = [m for m in value if m not in _METHODS]
    if not value:
        return "must name at least one payment method"
    if len(set(value)) != len(value):
        return "names a payment method twice"
    if unknown:
        return f"unknown payment method(s) {_shown(unknown)}; expected some of {list(_METHODS)}"
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
    demo: bool = False  # the file says ``demo = true``

    @property
    def is_demo(self) -> bool:
        return self.source is None or self.demo

    def as_demo(self) -> Config:
        """These values on the embedded simulators (``kiosk demo --config FILE``)."""
        values = {name: dict(section) for name, section in self.values.items()}
        values["operator"].update(backend="simulator", kiosk_key="")
        if values["payment"]["backend"] != "zvt":  # zvt: its simulator; upos: ours
            values["payment"]["backend"] = "simulator"
        values["printer"]["transport"] = "virtual"
        return replace(self, values=values, demo=True)

    def section(self, name: str) -> Mapping[str, Any]:
        return self.values[name]

    def __getitem__(self, dotted: str) -> Any:
        section, key = dotted.rsplit(".", 1)  # "payment.zvt.host": section "payment.zvt"
        return self.values[section][key]


def _type_name(expected: type | tuple[type, ...]) -> str:
    types = expected if isinstance(expected, tuple) else (expected,)
    names = {int: "integer", float: "number", str: "string", bool: "true/false", list: "array"}
    return " or ".join(names.get(t, t.__name__) for t in types)


def _kind(value: Any) -> str:
    kinds = {bool: "true/false", dict: "a table", list: "an array", float: "number"}
    return kinds.get(type(value), type(value).__name__)


def _problem_with(field: Field, value: Any) -> str | None:
    expected = field.type if isinstance(field.type, tuple) else (field.type,)
    if isinstance(value, bool) and bool not in expected:
        return f"expected {_type_name(field.type)}, got true/false"
    if not isinstance(value, expected):
        return f"expected {_type_name(field.type)}, got {_kind(value)}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number; got {value}"
    if field.choices and value not in field.choices:
        return f"must be one of {', '.join(map(str, field.choices))}; got {_shown(value)}"
    if field.min is not None and value < field.min:
        return f"must be at least {field.min}; got {_shown(value)}"
    if field.max is not None and value > field.max:
        return f"must be at most {field.max}; got {_shown(value)}"
    return field.check(value) if field.check else None


def _uses_simulator(section: Mapping[str, Any]) -> bool:
    return section.get("backend", "simulator") == "simulator"


def _name(key: object) -> str:
    """A TOML key as it can be shown on one line: bare if it may be written bare."""
    text = str(key)
    return text if _BARE_KEY.fullmatch(text) and len(text) <= 60 else _shown(text)


def _one_line(problem: str) -> str:
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in problem)


def validate(
    raw: Mapping[str, Any], where: str, base: Path | None = None
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Merge ``raw`` over the defaults; return the values and every problem found.

    ``base`` is the folder relative paths in the file (``operator.ca_bundle``) start from.
    """
    problems: list[str] = []
    values = {name: {k: f.default for k, f in fields.items()} for name, fields in SCHEMA.items()}
    raw = _lift_subsections(raw)
    for section_name, section in raw.items():
        if section_name in TOP_LEVEL:
            reason = _problem_with(TOP_LEVEL[section_name], section)
            if reason:
                problems.append(f"{where}: {section_name}: {reason}")
            continue
        problems.extend(_section(values, section_name, section, where))
    problems.extend(_cross_checks(values, raw, where, base))
    return values, [_one_line(p) for p in problems]


def _section(values: dict, section_name: str, section: Any, where: str) -> list[str]:
    fields = SCHEMA.get(section_name)
    name = section_name if section_name in SCHEMA else _name(section_name)
    if fields is None:
        return [f"{where}: {name}: unknown section"]
    if not isinstance(section, dict):
        return [f"{where}: {name}: expected a [{name}] table, got {_kind(section)}"]
    problems = []
    if section_name in UNAVAILABLE_SECTIONS:
        problems.append(f"{where}: {name}: {NOT_YET} ({UNAVAILABLE_SECTIONS[section_name]}); "
                        "remove the section")
    for key, value in section.items():
        field = fields.get(key)
        dotted = f"{name}.{_name(key)}"
        if field is None:
            problems.append(f"{where}: {dotted}: unknown key")
        elif field.unavailable:
            problems.append(f"{where}: {dotted}: {NOT_YET} ({field.unavailable}); remove it")
        elif reason := _problem_with(field, value):
            problems.append(f"{where}: {dotted}: {reason}")
        else:
            values[section_name][key] = value
    return problems


def _cross_checks(values: dict, raw: Mapping[str, Any], where: str,
                  base: Path | None) -> list[str]:
    """Checks that need more than one key, each naming the key to change."""
    demo = raw.get("demo") is True
    problems = []
    for section_name, fields in SCHEMA.items():
        section = values[section_name]
        for key, field in fields.items():
            needed = field.secret and (
                section_name in raw if section_name == "maintenance"
                else not _uses_simulator(section)
            )
            given = raw.get(section_name)
            reported = isinstance(given, dict) and key in given  # its own check said why
            if needed and not section.get(key) and not reported:
                problems.append(f"{where}: {section_name}.{key}: missing secret")
    problems.extend(f"{where}: {key}: {reason}"
                    for key, reason in _operator_problems(values["operator"], demo, base))
    ui = values["ui"]
    if ui["idle_warning_s"] >= ui["idle_timeout_s"]:
        problems.append(f"{where}: ui.idle_warning_s: must be below ui.idle_timeout_s "
                        f"({ui['idle_timeout_s']}); got {ui['idle_warning_s']}")
    problems.extend(f"{where}: {key}: {reason}" for key, reason in _printer_problems(values))
    problems.extend(_operator_deadline(values["operator"], where))
    if values["payment"]["backend"] == "zvt":
        problems.extend(_zvt_problems(values, where))
    if values["payment"]["backend"] == "upos" and not demo:
        problems.extend(f"{where}: {key}: {reason}" for key, reason in _upos_problems(values, base))
    return problems


def _upos_problems(values: dict, base: Path | None) -> list[tuple[str, str]]:
    """sb_pilot must be there and runnable, and its folder there: found at start, not at the
    first customer's payment. Relative paths are made absolute from the file's folder."""
    upos, problems = values["payment.upos"], []
    if not upos["executable"]:
        return [("payment.upos.executable", "backend \"upos\" needs the sb_pilot program")]
    program = (base or Path.cwd()) / upos["executable"]
    if not (_is_file(program) and os.access(program, os.X_OK)):
        problems.append(("payment.upos.executable", f"no runnable program at {program}"))
    upos["executable"] = str(program)
    if upos["config_dir"]:
        folder = (base or Path.cwd()) / upos["config_dir"]
        if not folder.is_dir():
            problems.append(("payment.upos.config_dir", f"no such folder: {folder}"))
        upos["config_dir"] = str(folder)
    if values["payment"]["methods"] != ["card"]:
        problems.append(("payment.methods", "Sber's terminal takes cards only: set "
                                            "methods = [\"card\"]"))
    return problems


def _zvt_problems(values: dict, where: str) -> list[str]:
    problems = []
    if values["payment.zvt"]["currency"] != values["kiosk"]["currency"]:
        problems.append(f"{where}: payment.zvt.currency: must be kiosk.currency "
                        f"({values['kiosk']['currency']}); got {values['payment.zvt']['currency']}")
    if values["payment"]["methods"] != ["card"]:
        problems.append(f"{where}: payment.methods: a ZVT terminal takes cards only: "
                        "set methods = [\"card\"]")
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


def _operator_problems(operator: dict, demo: bool, base: Path | None) -> list[tuple[str, str]]:
    problems = []
    url = operator["url"]
    if operator["backend"] == "http" and not url:
        problems.append(("operator.url", "required when operator.backend is http"))
    if url:
        reason = _url(url)
        if reason is None and not demo and not url.startswith("https://"):
            reason = "must be https:// outside a demo file (demo = true)"
        if reason:
            problems.append(("operator.url", reason))
    if not operator["verify_tls"] and not demo:
        problems.append(("operator.verify_tls", "false is only allowed in a demo file "
                                                "(demo = true)"))
    if operator["ca_bundle"]:
        bundle = (base or Path.cwd()) / operator["ca_bundle"]
        if _is_file(bundle):
            operator["ca_bundle"] = str(bundle)
        else:
            problems.append(("operator.ca_bundle", f"no such file: {bundle}"))
    return problems


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long, a NUL byte: no such file either
        return False


_PRINTER_ADDRESS = {"file": ("path",), "serial": ("serial_device",),
                    "usb": ("usb_vendor_id", "usb_product_id"), "network": ("host",)}


def _printer_problems(values: dict) -> list[tuple[str, str]]:
    printer = values["printer"]
    transport = printer["transport"]
    return [(f"printer.{key}", f"required when printer.transport is {transport}")
            for key in _PRINTER_ADDRESS.get(transport, ()) if not printer[key]]


def load(path: Path | None) -> Config:
    """The validated configuration from ``path``; None gives the embedded demo."""
    if path is None:
        values, _ = validate({}, "<demo>")
        return Config(values, None)
    where = str(path)
    raw = _read(path, where)
    values, problems = validate(raw, where, path.resolve().parent)
    if problems:
        raise ConfigError(problems)
    return Config(values, path, demo=raw.get("demo") is True)


def _read(path: Path, where: str) -> dict[str, Any]:
    """The TOML document, or ConfigError with one line saying why not."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError([_one_line(f"{where}: file not found")]) from None
    except OSError as exc:
        raise ConfigError([_one_line(f"{where}: cannot read: {exc}")]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError([_one_line(f"{where}: larger than 1 MB; not a configuration file")])
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problem = f"{where}: not UTF-8 text: {exc}"
    except tomllib.TOMLDecodeError as exc:
        problem = f"{where}: not valid TOML: {exc}"
    except ValueError as exc:  # a number too long to convert (tomllib lets it through)
        problem = f"{where}: not valid TOML: {exc}"
    except RecursionError:
        problem = f"{where}: nested too deeply; not a configuration file"
    raise ConfigError([_one_line(problem)])


# What ``kiosk run`` refuses in a file that does not say ``demo = true``: each simulator.
_SIMULATORS = (
    ("operator.backend", "simulator",
     "the operator simulator is for demos: set backend = \"http\" and the operator's url"),
    ("payment.backend", "simulator",
     "the payment simulator takes no real money: set backend = \"zvt\" and the terminal's "
     "[payment.zvt] host, or \"upos\" and [payment.upos] executable, or run a demo file "
     "(demo = true)"),
    ("printer.transport", "virtual", "the virtual printer is for demos: name the real one"),
    ("scanner.source", "demo", "the demo video is for demos: name the camera"),
)


def check_runnable(cfg: Config) -> None:
    """Refuse what ``kiosk run`` cannot start: no file, or simulators outside a demo file."""
    if cfg.source is None:
        raise ConfigError(["kiosk run: needs a configuration file (kiosk --config FILE run); "
                           "kiosk demo runs the embedded demo"])
    if cfg.demo:
        return
    problems = [f"{cfg.source}: {key}: {reason}"
                for key, simulator, reason in _SIMULATORS if cfg[key] == simulator]
    if problems:
        raise ConfigError([_one_line(p) for p in problems])
