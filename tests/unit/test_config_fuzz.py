"""The configuration loader, fuzzed: whatever file an installer writes, only a valid Config
or a ConfigError whose problems are one line each (naming the file) comes out; never another
exception, never a value a later part would choke on."""

from __future__ import annotations

import math
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import config

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "kiosk.example.toml"
FUZZ = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

SECTION_NAMES = st.sampled_from([*config.SCHEMA, *config.TOP_LEVEL]) | st.text(max_size=8)
KEY_NAMES = st.sampled_from(sorted({k for f in config.SCHEMA.values() for k in f})) | st.text(
    max_size=8)
SCALARS = (st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
           | st.datetimes() | st.dates() | st.times()
           | st.sampled_from(["http://x", "https://", "https://operator.example", "Europe/Moscow",
                              "simulator", "http", "virtual", "demo", "card", "123456",
                              "", " ", "\x00", "../../etc", "TM-T88V", "RUB", "assisted"]))
EDGE_STRINGS = ["", " ", "\x00", "a\nb", "../../etc/passwd", "Europe", "x" * 300, "http://[",
                "https://[::1", "https://:80", "http://127.0.0.1:8080", "ca.pem", "/", "ÄÖ"]
VALUES = SCALARS | st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                               | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                               max_leaves=12)
SECTIONS = st.dictionaries(KEY_NAMES, VALUES, max_size=8)
DOCUMENTS = st.dictionaries(SECTION_NAMES, SECTIONS | VALUES, max_size=8)


def check(path: Path) -> None:
    try:
        cfg = config.load(path)
    except config.ConfigError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert isinstance(problem, str) and problem.startswith(f"{path}: ")
            assert problem.isprintable(), repr(problem)  # one line: no newline, no control
        return
    assert_usable(cfg)
    try:
        config.check_runnable(cfg)
    except config.ConfigError as exc:
        assert all(p.startswith(f"{path}: ") and p.isprintable() for p in exc.problems)


def assert_usable(cfg: config.Config) -> None:
    """What the rest of the kiosk does with the values works."""
    for name, fields in config.SCHEMA.items():
        for key, field in fields.items():
            value = cfg[f"{name}.{key}"]
            types = field.type if isinstance(field.type, tuple) else (field.type,)
            assert isinstance(value, types) or value is field.default is None, (name, key)
            if isinstance(value, float):
                assert math.isfinite(value), (name, key)
    kiosk_id = cfg["kiosk.id"]
    assert kiosk_id.isascii() and kiosk_id.isprintable() and " " not in kiosk_id
    ZoneInfo(cfg["kiosk.timezone"])
    assert cfg["ui.idle_warning_s"] < cfg["ui.idle_timeout_s"]
    if not cfg.is_demo and cfg["operator.url"]:
        assert cfg["operator.url"].startswith("https://")


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes(tmp_path, data):
    path = tmp_path / "kiosk.toml"
    path.write_bytes(data)
    check(path)


@FUZZ
@given(document=DOCUMENTS)
def test_any_toml_document(tmp_path, document):
    path = tmp_path / "kiosk.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    check(path)


def typed(field: config.Field) -> st.SearchStrategy:
    """Values of the field's own type, edges included (NaN, infinities, huge, empty)."""
    types = field.type if isinstance(field.type, tuple) else (field.type,)
    options = []
    if float in types:
        options.append(st.floats() | st.sampled_from([math.nan, math.inf, -math.inf]))
    if int in types:
        options.append(st.integers() | st.sampled_from([0, -1, 2**63, 10**400]))
    if str in types:
        choices = [str(choice) for choice in field.choices] or [str(field.default)]
        options.append(st.text(max_size=40) | st.sampled_from(choices + EDGE_STRINGS))
    if bool in types:
        options.append(st.booleans())
    if list in types:
        options.append(st.lists(st.sampled_from(["card", "cash", "sbp_qr", "x"]) | SCALARS,
                                max_size=4))
    return st.one_of(options)


EVERY_KEY = [(name, key) for name, fields in config.SCHEMA.items() for key in fields]


@pytest.mark.parametrize(("section", "key"), EVERY_KEY, ids=[f"{s}.{k}" for s, k in EVERY_KEY])
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_example_with_one_key_changed(tmp_path, section, key, data):
    """Each key, with values of its own type and edges (NaN, huge, control characters...),
    and now and then with another key changed too or as a demo file."""
    import tomllib

    document = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    document.setdefault(section, {})[key] = data.draw(typed(config.SCHEMA[section][key]))
    if data.draw(st.integers(0, 3)) == 0:
        other = data.draw(st.sampled_from(EVERY_KEY))
        document.setdefault(other[0], {})[other[1]] = data.draw(VALUES)
    if data.draw(st.booleans()):
        document["demo"] = True
    path = tmp_path / "kiosk.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    check(path)


@FUZZ
@given(text=st.text(alphabet=st.sampled_from('[]{}="\'\n.,abc1#\\ '), max_size=300))
def test_toml_like_text(tmp_path, text):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    check(path)
