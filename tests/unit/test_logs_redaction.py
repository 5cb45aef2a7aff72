"""Redaction over the whole rendered line: every way a phone number, ICCID, card number, code
or key can be written, in message text and in any field (nested too), through the real
``JsonFormatter`` on a real file handler, leaves none of the full values in the log file."""

from __future__ import annotations

import json
import logging
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import logs
from tests.helpers import make_iccid

ICCID = make_iccid("897010123456789012")
PAN = "4276123456781234"
OTP = "482113"
KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.fixture
def log_file(tmp_path):
    """A logger writing through the kiosk's formatter to a real file, and a reader for it."""
    path = tmp_path / "kiosk.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logs.JsonFormatter())
    log = logging.getLogger("test.redaction")
    log.handlers[:] = [handler]
    log.setLevel(logging.DEBUG)
    log.propagate = False

    def read() -> str:
        handler.flush()
        return path.read_text(encoding="utf-8")

    yield log, read
    handler.close()
    log.handlers[:] = []


LEAKS_IN_TEXT = {
    "+7 (912) 345-67-89": "call +7 (912) 345-67-89 now",
    "8 912 345 67 89": "phone 8 912 345 67 89 given",
    "79123456789": "bound 79123456789",
    "+7-912-345-67-89": "to +7-912-345-67-89.",
    "+86 138 1234 5678": "sent to +86 138 1234 5678",
    "8970 1012 3456 7890 1230": "card 8970 1012 3456 7890 1230 read",
    "8970-1012-3456-7890-1230": "iccid=8970-1012-3456-7890-1230",
    ICCID: f"scanned {ICCID}",
    "4276 1234 5678 1234": "paid with 4276 1234 5678 1234",
    PAN: f"pan:{PAN}",
    "123456": "your code 123456",
    "4821": "otp=4821 checked",
    "5533": "SMS code is 5533",
    "7719": 'body {"otp": "7719"}',
    KEY: f"key={KEY}",
    "s3cr3t-v4lu3": "signing with secret: s3cr3t-v4lu3",
    "abc.def.ghi123": "Authorization: Bearer abc.def.ghi123",
}


def test_nothing_identifying_survives_in_message_text(log_file):
    log, read = log_file
    for text in LEAKS_IN_TEXT.values():
        log.info(text)
    log.info("free %s and %s", "+7 912 345 67 89", {"otp": "6617"})
    output = read()
    assert len(output.splitlines()) == len(LEAKS_IN_TEXT) + 1
    for value in [*LEAKS_IN_TEXT, "+7 912 345 67 89", "6617"]:
        assert value not in output, value
    assert "****6789" in output and "****1234" in output  # still says which one, by the tail


def test_nothing_identifying_survives_in_fields_named_or_not(log_file):
    log, read = log_file
    logs.event(log, "otp.sent", phone_number="8 (912) 345-67-89", sms="Your code 7788",
               auth="Bearer tok-9911", authorization="HMAC k:1:sig", msisdn="79123456789",
               apiKey="k-8812-zz", card_number="4276-1234-5678-1234", pin="2580",
               note=f"from {ICCID}", count=79123456789,
               request={"headers": {"X-Kiosk-Signature": "sig-3141", "X-Kiosk-Nonce": "n1"},
                        "body": {"iccid": "8970 1012 3456 7890 1230", "otp": "9191"},
                        "phones": ["+7 912 345-67-89", "+86 13812345678"]})
    output = read()
    for value in ["8 (912) 345-67-89", "7788", "tok-9911", "k:1:sig", "79123456789", "k-8812-zz",
                  "4276-1234-5678-1234", "2580", ICCID, "sig-3141", "8970 1012 3456 7890 1230",
                  "9191", "+7 912 345-67-89", "13812345678", "912345", "3456789012"]:
        assert value not in output, value
    entry = json.loads(output)
    assert entry["event"] == "otp.sent" and entry["request"]["headers"]["X-Kiosk-Nonce"] == "n1"
    assert entry["phone_number"].endswith("6789") and entry["card_number"].endswith("1234")


def test_an_exception_text_is_redacted_too(log_file):
    log, read = log_file
    try:
        raise ValueError(f"bad phone +7 912 345 67 89 for {ICCID}, code 123456")
    except ValueError:
        log.exception("failed")
    output = read()
    assert "Traceback" in output
    for value in ("+7 912 345 67 89", ICCID, "123456"):
        assert value not in output


def test_benign_values_are_kept(log_file):
    log, read = log_file
    logs.event(log, "operator.answer", tx="K-1-20260304-0123456789", http_code=409,
               error_code="otp_wrong", status_code=200, amount="1500.00", minor=150000,
               at="2026-03-04T09:00:00.123+03:00", path="/v1/renewals/K-1-20260304-0123456789")
    log.info("tx K-7-20260304-a1b2c3d4e5 at 2026-03-04 09:00:00 paid 1500.00 RUB: HTTP 502, "
             "error_code=otp_wrong, 3 of 5 attempts, status code 404")
    first, second = (json.loads(line) for line in read().splitlines())
    assert first["tx"] == "K-1-20260304-0123456789" and first["http_code"] == 409
    assert first["error_code"] == "otp_wrong" and first["status_code"] == 200
    assert first["amount"] == "1500.00" and first["minor"] == 150000
    assert first["at"] == "2026-03-04T09:00:00.123+03:00"
    assert first["path"] == "/v1/renewals/K-1-20260304-0123456789"
    assert second["event"] == ("tx K-7-20260304-a1b2c3d4e5 at 2026-03-04 09:00:00 paid 1500.00 "
                               "RUB: HTTP 502, error_code=otp_wrong, 3 of 5 attempts, "
                               "status code 404")


# -- generated: random formatting inside random text -------------------------------------

_SEPARATORS = st.sampled_from([" ", "-", " - ", "", ""])
_WORDS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCXYZ .,;!?/абвгд你好"),
                 max_size=20)
_AROUND = st.sampled_from([" ", ": ", "=", " (", ", ", "\n", "\t", ' "', "["])


@st.composite
def grouped(draw, digits: str, prefix: str = "") -> str:
    """``digits`` cut into random groups of 1-5, joined by random separators."""
    parts, rest = [], digits
    while rest:
        size = draw(st.integers(1, 5))
        parts.append(rest[:size])
        rest = rest[size:]
    out = prefix + parts[0]
    for part in parts[1:]:
        sep = draw(_SEPARATORS)
        if draw(st.booleans()) and len(part) == 3 and draw(st.booleans()):
            out += f" ({part})" if not sep else sep + part
        else:
            out += sep + part
    return out


_digits = lambda n: st.text(st.sampled_from("0123456789"), min_size=n, max_size=n)  # noqa: E731


@st.composite
def identifier(draw) -> tuple[str, str]:
    """A phone, ICCID or card number as a person might write it: (as written, its digits)."""
    kind = draw(st.sampled_from(["phone_ru", "phone_cn", "phone_plain", "iccid", "pan"]))
    if kind == "phone_ru":
        digits = draw(st.sampled_from(["7", "8"])) + "9" + draw(_digits(9))
        prefix = "+" if digits[0] == "7" and draw(st.booleans()) else ""
    elif kind == "phone_cn":
        digits, prefix = "861" + draw(_digits(10)), draw(st.sampled_from(["+", "", "00"]))
    elif kind == "phone_plain":
        digits, prefix = "9" + draw(_digits(9)), ""
    elif kind == "iccid":
        digits, prefix = make_iccid("89" + draw(_digits(draw(st.integers(16, 17))))), ""
    else:
        digits, prefix = draw(st.sampled_from(["4", "5", "22"])), ""
        digits += draw(_digits(16 - len(digits)))
    return draw(grouped(digits, prefix)), digits


_SECRET_FORMS = ["code {}", "otp={}", "OTP: {}", "your SMS code is {}", '{{"otp": "{}"}}',
                 "pin {}", "key={}", "token: {}", "secret={}", "Authorization: Bearer {}",
                 "signature={}", "'code': '{}'", "код {}"]


@st.composite
def secret(draw) -> tuple[str, str]:
    """An OTP or key named in text: (the sentence, the secret)."""
    value = draw(st.one_of(_digits(4), _digits(6), _digits(8),
                           st.text(st.sampled_from("0123456789abcdef"), min_size=16,
                                   max_size=64),
                           st.from_regex(r"[A-Za-z0-9_.~+/-]{8,40}", fullmatch=True)))
    form = draw(st.sampled_from(_SECRET_FORMS))
    if not re.search(r"[:=]", form) and not re.search(r"\d", value):
        value = "1" + value  # after a bare word, only a value with a digit is taken for a code
    return form.format(value), value


@st.composite
def benign(draw) -> str:
    kind = draw(st.sampled_from(["tx", "ts", "amount", "http", "date"]))
    if kind == "tx":
        kiosk = draw(st.from_regex(r"[A-Z]{1,5}-[0-9]{1,4}", fullmatch=True))
        day = draw(st.dates()).strftime("%Y%m%d")
        tail = draw(st.text(st.sampled_from("0123456789abcdef"), min_size=10, max_size=10))
        return f"{kiosk}-{day}-{tail}"
    if kind == "ts":
        return draw(st.datetimes(timezones=st.timezones())).isoformat(timespec="milliseconds")
    if kind == "amount":
        return f"{draw(st.integers(0, 10**7))}.{draw(st.integers(0, 99)):02d}"
    if kind == "http":
        return f"HTTP {draw(st.integers(100, 599))}"
    return draw(st.datetimes()).strftime("%Y-%m-%d %H:%M:%S")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_WORDS, identifier(), _AROUND, _AROUND), min_size=1, max_size=4),
       st.lists(st.tuples(_WORDS, secret()), max_size=3), st.data())
def test_generated_identifiers_and_secrets_never_survive(found, named, data):
    ids = [(f"{w}{a}{written}{b}", written, digits) for w, (written, digits), a, b in found]
    pieces = [text for text, _, _ in ids] + [f"{w} {sentence}" for w, (sentence, _) in named]
    text = data.draw(st.permutations(pieces)) if len(pieces) > 1 else pieces
    line = _render(" | ".join(text), note=" ; ".join(text))
    entry = json.loads(line)
    said = re.sub(r"[+*]\*{3}\d{4}", "", entry["event"] + entry["note"])  # tails it may show
    for _, written, digits in ids:
        assert written not in line and digits not in line
        assert digits[:-4] not in _only_digits(said), (written, line)  # in no format
    for _, (sentence, value) in named:
        assert sentence not in line and value not in said, (value, line)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORDS.filter(lambda w: not _NAMES_A_SECRET.search(w)), benign()),
                min_size=1, max_size=5), identifier())
def test_generated_benign_values_are_kept_beside_a_redacted_one(values, ident):
    """What a redactor that hides every long digit run must still let through: transaction ids,
    timestamps, amounts and HTTP codes, when set apart from an identifier by `` | ``.

    The trade-off: any run of 11 or more digits, and any run of 10 or more written with the
    spaces, dashes and brackets of a phone number, is hidden whatever it was (an epoch in
    milliseconds, two amounts written "12345 67890"), and a bare 4-8 digit code with no word
    like "code", "otp" or "pin" before it is not recognised as a code, while a number that does
    follow such a word ("token 0.00") is hidden."""
    pieces = [f"{w} {v}" for w, v in values] + [f"phone {ident[0]}"]
    line = _render(" | ".join(pieces))
    for _, value in values:
        assert value in line, (value, line)


_NAMES_A_SECRET = re.compile(r"otp|code|pin|key|token|secret|sms|signature|password", re.I)


def _render(message: str, **fields) -> str:
    record = logging.LogRecord("test", logging.INFO, __file__, 1, message, None, None)
    record.fields = fields
    return logs.JsonFormatter().format(record)


def _only_digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())
