"""Every ZVT command and answer the kiosk uses, both ways: ``to_apdu`` builds the bytes,
``decode`` turns an APDU back into the message (the terminal simulator decodes what the
adapter sends with the same code, and the tests pin both against hand-computed bytes).

Commands that carry the terminal password start with it as three BCD bytes before any BMP
(06 00, 05 01, 06 20, 06 30, 06 31, 06 50); the others start with BMPs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.payment.zvt import bcd, bmp, tlv
from kiosk.payment.zvt.apdu import Apdu
from kiosk.payment.zvt.errors import FieldError, UnexpectedMessage

EUR = 978
RUB = 643

# Registration config byte (bit meanings from the specification)
CFG_ECR_PRINTS_PAYMENT = 0x02
CFG_ECR_PRINTS_ADMIN = 0x04
CFG_INTERMEDIATE_STATUS = 0x08
CFG_ECR_CONTROLS_PAYMENT = 0x10
CFG_ECR_CONTROLS_ADMIN = 0x20
CFG_PRINT_LINES = 0x80  # receipts come as 06 D1 print lines
KIOSK_CONFIG = (CFG_ECR_PRINTS_PAYMENT | CFG_ECR_PRINTS_ADMIN | CFG_INTERMEDIATE_STATUS
                | CFG_PRINT_LINES)  # 0x8E

NAK_GOODS_NOT_DELIVERED = 0x66  # ECR's answer 84 66 to a 04 0F: reverse at once


def _password(value: str) -> bytes:
    if len(value) != 6 or not value.isdigit():
        raise FieldError("the terminal password is six digits")
    return bytes.fromhex(value)


def _split_password(data: bytes) -> tuple[str, bytes]:
    if len(data) < 3:
        raise FieldError("password missing")
    return bcd.digits(data[:3]), data[3:]


def _opt(fields: dict[int, bytes], tag: int, conv):
    return conv(fields[tag]) if tag in fields else None


def _byte(raw: bytes) -> int:
    return raw[0]


# -- ECR -> terminal ---------------------------------------------------------------------

@dataclass(frozen=True)
class Registration:
    password: str
    config: int = KIOSK_CONFIG
    currency: int | None = None
    service: int | None = None
    CODE = (0x06, 0x00)

    def to_apdu(self) -> Apdu:
        data = _password(self.password) + bytes((self.config,))
        if self.currency is not None:
            data += bcd.encode(self.currency, 2)
            if self.service is not None:
                data += bmp.encode_one(0x03, bytes((self.service,)))
        elif self.service is not None:
            raise FieldError("the service byte follows the currency code")
        return Apdu(*self.CODE, data)

    @classmethod
    def from_data(cls, data: bytes) -> Registration:
        password, rest = _split_password(data)
        if not rest:
            raise FieldError("registration: config byte missing")
        config, rest = rest[0], rest[1:]
        currency = service = None
        if rest:
            if len(rest) < 2:
                raise FieldError("registration: currency code cut short")
            currency, rest = bcd.decode(rest[:2]), rest[2:]
            fields = bmp.parse(rest)
            service = _opt(fields, 0x03, _byte)
        return cls(password, config, currency, service)


@dataclass(frozen=True)
class _AmountCommand:
    """06 01 authorisation, 06 22 reservation: amount first, then optional BMPs."""

    amount: int
    currency: int | None = None
    payment_type: int | None = None
    timeout: int | None = None

    def to_apdu(self) -> Apdu:
        fields = [(0x04, bmp.amount(self.amount))]
        if self.currency is not None:
            fields.append((0x49, bcd.encode(self.currency, 2)))
        if self.payment_type is not None:
            fields.append((0x19, bytes((self.payment_type,))))
        if self.timeout is not None:
            fields.append((0x01, bytes((self.timeout,))))
        return Apdu(*self.CODE, bmp.encode(fields))

    @classmethod
    def from_data(cls, data: bytes):
        fields = bmp.parse(data)
        if 0x04 not in fields:
            raise FieldError(f"{cls.__name__}: amount (BMP 04) missing")
        return cls(bcd.decode(fields[0x04]), _opt(fields, 0x49, bcd.decode),
                   _opt(fields, 0x19, _byte), _opt(fields, 0x01, _byte))


@dataclass(frozen=True)
class Authorisation(_AmountCommand):
    CODE = (0x06, 0x01)


@dataclass(frozen=True)
class PreAuthorisation(_AmountCommand):
    CODE = (0x06, 0x22)


@dataclass(frozen=True)
class _ReceiptCommand:
    """06 23 / 06 24 / 06 25: the reservation named by its receipt number, and an amount."""

    receipt: int
    amount: int | None = None

    def to_apdu(self) -> Apdu:
        fields = [(0x87, bcd.encode(self.receipt, 2))]
        if self.amount is not None:
            fields.append((0x04, bmp.amount(self.amount)))
        return Apdu(*self.CODE, bmp.encode(fields))

    @classmethod
    def from_data(cls, data: bytes):
        fields = bmp.parse(data)
        if 0x87 not in fields:
            raise FieldError(f"{cls.__name__}: receipt number (BMP 87) missing")
        return cls(bcd.decode(fields[0x87]), _opt(fields, 0x04, bcd.decode))


@dataclass(frozen=True)
class PartialReversal(_ReceiptCommand):
    """Partial reversal of a pre-authorisation / booking of a reservation."""

    CODE = (0x06, 0x23)


@dataclass(frozen=True)
class BookTotal(_ReceiptCommand):
    CODE = (0x06, 0x24)


@dataclass(frozen=True)
class PreAuthReversal(_ReceiptCommand):
    """Releases a reservation whole (the specification's "pre-authorisation reversal")."""

    CODE = (0x06, 0x25)


@dataclass(frozen=True)
class Reversal:
    password: str
    receipt: int
    CODE = (0x06, 0x30)

    def to_apdu(self) -> Apdu:
        return Apdu(*self.CODE, _password(self.password)
                    + bmp.encode_one(0x87, bcd.encode(self.receipt, 2)))

    @classmethod
    def from_data(cls, data: bytes) -> Reversal:
        password, rest = _split_password(data)
        fields = bmp.parse(rest)
        if 0x87 not in fields:
            raise FieldError("reversal: receipt number (BMP 87) missing")
        return cls(password, bcd.decode(fields[0x87]))


@dataclass(frozen=True)
class Refund:
    password: str
    amount: int
    currency: int | None = None
    CODE = (0x06, 0x31)

    def to_apdu(self) -> Apdu:
        fields = [(0x04, bmp.amount(self.amount))]
        if self.currency is not None:
            fields.append((0x49, bcd.encode(self.currency, 2)))
        return Apdu(*self.CODE, _password(self.password) + bmp.encode(fields))

    @classmethod
    def from_data(cls, data: bytes) -> Refund:
        password, rest = _split_password(data)
        fields = bmp.parse(rest)
        if 0x04 not in fields:
            raise FieldError("refund: amount (BMP 04) missing")
        return cls(password, bcd.decode(fields[0x04]), _opt(fields, 0x49, bcd.decode))


@dataclass(frozen=True)
class _PasswordOnly:
    password: str

    def to_apdu(self) -> Apdu:
        return Apdu(*self.CODE, _password(self.password))

    @classmethod
    def from_data(cls, data: bytes):
        password, rest = _split_password(data)
        bmp.parse(rest)  # optional BMPs (service byte, TLV): read, not used
        return cls(password)


@dataclass(frozen=True)
class EndOfDayCommand(_PasswordOnly):
    CODE = (0x06, 0x50)


@dataclass(frozen=True)
class StatusEnquiry(_PasswordOnly):
    CODE = (0x05, 0x01)


@dataclass(frozen=True)
class RepeatReceipt(_PasswordOnly):
    CODE = (0x06, 0x20)


@dataclass(frozen=True)
class AbortCommand:
    """06 B0: the ECR asks the terminal to stop (sent even while the terminal is master)."""

    CODE = (0x06, 0xB0)

    def to_apdu(self) -> Apdu:
        return Apdu(*self.CODE)

    @classmethod
    def from_data(cls, data: bytes) -> AbortCommand:
        bmp.parse(data)
        return cls()


# -- terminal -> ECR (and the acknowledgements both sides send) ---------------------------

@dataclass(frozen=True)
class Ack:
    CODE = (0x80, 0x00)

    def to_apdu(self) -> Apdu:
        return Apdu(*self.CODE)

    @classmethod
    def from_data(cls, data: bytes) -> Ack:
        return cls()


@dataclass(frozen=True)
class Nak:
    """84 xx: xx is the reason; 84 00 is, by the specification, a positive answer."""

    code: int

    def to_apdu(self) -> Apdu:
        return Apdu(0x84, self.code)


@dataclass(frozen=True)
class IntermediateStatus:
    status: int
    timeout: int | None = None
    CODE = (0x04, 0xFF)

    def to_apdu(self) -> Apdu:
        data = bytes((self.status,))
        if self.timeout is not None:
            data += bytes((self.timeout,))
        return Apdu(*self.CODE, data)

    @classmethod
    def from_data(cls, data: bytes) -> IntermediateStatus:
        if not data:
            raise FieldError("intermediate status: status byte missing")
        rest = data[1:]
        if not rest:
            return cls(data[0])
        # [<timeout>] [06 <TLV>]: a first byte 06 is the container when the rest reads as
        # one; otherwise it is a six-second timeout. Either way every byte is accounted for.
        if rest[0] == 0x06:
            try:
                bmp.parse(rest)
                return cls(data[0])
            except FieldError:
                pass
        bmp.parse(rest[1:])
        return cls(data[0], rest[0])


@dataclass(frozen=True)
class Totals:
    """BMP 60 individual totals: receipt range, then count and turnover per card scheme."""

    first_receipt: int
    last_receipt: int
    counts: tuple[tuple[int, int], ...]  # (number of payments, turnover in minor units)

    @property
    def count(self) -> int:
        return sum(n for n, _ in self.counts)

    @property
    def total(self) -> int:
        return sum(t for _, t in self.counts)

    def encode(self) -> bytes:
        out = bcd.encode(self.first_receipt, 2) + bcd.encode(self.last_receipt, 2)
        for n, total in self.counts:
            out += bytes((n,)) + bmp.amount(total)
        return out

    @classmethod
    def decode(cls, raw: bytes) -> Totals:
        if len(raw) < 4 or (len(raw) - 4) % 7:
            raise FieldError(f"individual totals of {len(raw)} bytes")
        counts = tuple((raw[i], bcd.decode(raw[i + 1:i + 7])) for i in range(4, len(raw), 7))
        return cls(bcd.decode(raw[:2]), bcd.decode(raw[2:4]), counts)


def _time(raw: bytes) -> str:
    text = bcd.digits(raw)
    if int(text[:2]) > 23 or int(text[2:4]) > 59 or int(text[4:]) > 59:
        raise FieldError(f"not a time: {text}")
    return text


def _date(raw: bytes) -> str:
    text = bcd.digits(raw)
    if not (1 <= int(text[:2]) <= 12 and 1 <= int(text[2:]) <= 31):
        raise FieldError(f"not a date MMDD: {text}")
    return text


@dataclass(frozen=True)
class StatusInformation:
    """04 0F: the result of a transaction and what the receipt needs."""

    result: int | None = None  # BMP 27; 00 = success
    amount: int | None = None
    currency: int | None = None
    trace: int | None = None
    original_trace: int | None = None
    time: str | None = None  # HHMMSS
    date: str | None = None  # MMDD
    expiry: str | None = None  # YYMM
    card_number: str | None = None  # masked: * for hidden digits
    terminal_id: str | None = None
    auth_attribute: str | None = None  # BMP 3B AID: the authorisation code
    receipt: int | None = None
    turnover: int | None = None
    card_type: int | None = None
    card_name: str | None = None
    totals: Totals | None = None
    additional_text: str | None = None
    tlv: tuple[tlv.Tlv, ...] = field(default=())
    CODE = (0x04, 0x0F)

    def to_apdu(self) -> Apdu:
        f: list[tuple[int, bytes]] = []

        def put(tag: int, value, conv) -> None:
            if value is not None:
                f.append((tag, conv(value)))

        put(0x27, self.result, lambda v: bytes((v,)))
        put(0x04, self.amount, bmp.amount)
        put(0x0B, self.trace, lambda v: bcd.encode(v, 3))
        put(0x37, self.original_trace, lambda v: bcd.encode(v, 3))
        put(0x0C, self.time, bytes.fromhex)
        put(0x0D, self.date, bytes.fromhex)
        put(0x0E, self.expiry, bytes.fromhex)
        put(0x22, self.card_number, bcd.encode_pan)
        put(0x29, self.terminal_id, bytes.fromhex)
        put(0x3B, self.auth_attribute, lambda v: v.encode("ascii").ljust(8, b"\x00"))
        put(0x49, self.currency, lambda v: bcd.encode(v, 2))
        put(0x87, self.receipt, lambda v: bcd.encode(v, 2))
        put(0x88, self.turnover, lambda v: bcd.encode(v, 3))
        put(0x8A, self.card_type, lambda v: bytes((v,)))
        put(0x8B, self.card_name, lambda v: v.encode("ascii"))
        put(0x60, self.totals, Totals.encode)
        put(0x3C, self.additional_text, lambda v: v.encode("ascii"))
        if self.tlv:
            f.append((0x06, tlv.encode(self.tlv)))
        return Apdu(*self.CODE, bmp.encode(f))

    @classmethod
    def from_data(cls, data: bytes) -> StatusInformation:
        f = bmp.parse(data)
        return cls(
            result=_opt(f, 0x27, _byte), amount=_opt(f, 0x04, bcd.decode),
            currency=_opt(f, 0x49, bcd.decode), trace=_opt(f, 0x0B, bcd.decode),
            original_trace=_opt(f, 0x37, bcd.decode), time=_opt(f, 0x0C, _time),
            date=_opt(f, 0x0D, _date), expiry=_opt(f, 0x0E, bcd.digits),
            card_number=_opt(f, 0x22, bcd.decode_pan), terminal_id=_opt(f, 0x29, bcd.digits),
            auth_attribute=_opt(f, 0x3B, bmp.ascii_text), receipt=_opt(f, 0x87, bcd.decode),
            turnover=_opt(f, 0x88, bcd.decode), card_type=_opt(f, 0x8A, _byte),
            card_name=_opt(f, 0x8B, bmp.ascii_text), totals=_opt(f, 0x60, Totals.decode),
            additional_text=_opt(f, 0x3C, bmp.ascii_text),
            tlv=tlv.parse(f[0x06]) if 0x06 in f else (),
        )


@dataclass(frozen=True)
class PrintLine:
    """06 D1: one receipt line; attribute bit 8 set marks the receipt's last line."""

    attribute: int
    text: str
    CODE = (0x06, 0xD1)

    @property
    def last(self) -> bool:
        return self.attribute & 0x80 != 0

    def to_apdu(self) -> Apdu:
        return Apdu(*self.CODE, bytes((self.attribute,)) + self.text.encode("latin-1"))

    @classmethod
    def from_data(cls, data: bytes) -> PrintLine:
        if not data:
            raise FieldError("print line: attribute missing")
        return cls(data[0], data[1:].decode("latin-1"))


TAG_PRINT_TEXTS = 0x25  # constructed: the text lines of a block
TAG_TEXT_LINE = 0x07


@dataclass(frozen=True)
class PrintTextBlock:
    """06 D3: a whole receipt as TLV (tag 25 holding 07 text lines)."""

    lines: tuple[str, ...]
    CODE = (0x06, 0xD3)

    def to_apdu(self) -> Apdu:
        block = tlv.Tlv(TAG_PRINT_TEXTS, children=tuple(
            tlv.Tlv(TAG_TEXT_LINE, line.encode("latin-1")) for line in self.lines))
        return Apdu(*self.CODE, bmp.encode_one(0x06, tlv.encode([block])))

    @classmethod
    def from_data(cls, data: bytes) -> PrintTextBlock:
        f = bmp.parse(data)
        if 0x06 not in f:
            raise FieldError("print text block: TLV container missing")
        lines = []
        for item in tlv.parse(f[0x06]):
            for line in item.find(TAG_TEXT_LINE):
                lines.append(line.value.decode("latin-1"))
        return cls(tuple(lines))


@dataclass(frozen=True)
class Completion:
    """06 0F: the terminal hands the master rights back."""

    status_byte: int | None = None  # BMP 19 (registration, status enquiry)
    terminal_id: str | None = None
    currency: int | None = None
    CODE = (0x06, 0x0F)

    def to_apdu(self) -> Apdu:
        f = []
        if self.status_byte is not None:
            f.append((0x19, bytes((self.status_byte,))))
        if self.terminal_id is not None:
            f.append((0x29, bytes.fromhex(self.terminal_id)))
        if self.currency is not None:
            f.append((0x49, bcd.encode(self.currency, 2)))
        return Apdu(*self.CODE, bmp.encode(f))

    @classmethod
    def from_data(cls, data: bytes) -> Completion:
        f = bmp.parse(data)
        return cls(_opt(f, 0x19, _byte), _opt(f, 0x29, bcd.digits), _opt(f, 0x49, bcd.decode))


@dataclass(frozen=True)
class AbortAnswer:
    """06 1E <result code>: the transaction ended without success."""

    result: int
    CODE = (0x06, 0x1E)

    def to_apdu(self) -> Apdu:
        return Apdu(*self.CODE, bytes((self.result,)))

    @classmethod
    def from_data(cls, data: bytes) -> AbortAnswer:
        if not data:
            raise FieldError("abort: result code missing")
        bmp.parse(data[1:])  # optional BMPs after the code (e.g. 3C text): read, not used
        return cls(data[0])


_DECODERS = {m.CODE: m.from_data for m in (
    Registration, Authorisation, PreAuthorisation, PartialReversal, BookTotal,
    PreAuthReversal, Reversal, Refund, EndOfDayCommand, StatusEnquiry, RepeatReceipt,
    AbortCommand, Ack, IntermediateStatus, StatusInformation, PrintLine, PrintTextBlock,
    Completion, AbortAnswer)}

def decode(apdu: Apdu):
    """The message an APDU carries; any malformed content is a ``ZvtError``."""
    if apdu.cls == 0x84:
        if apdu.data:
            bmp.parse(apdu.data)
        return Ack() if apdu.instr == 0x00 else Nak(apdu.instr)
    decoder = _DECODERS.get(apdu.command)
    if decoder is None:
        raise UnexpectedMessage(f"command {apdu.cls:02X} {apdu.instr:02X} is not one we use")
    return decoder(apdu.data)
