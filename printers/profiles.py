"""What a printer model can do, as the layouts and the encoder need it.

python-escpos's capability database is the source (paper width in dots, columns of font A,
code pages, native QR / barcodes, cutter). We reduce it to the few facts that change our
output, and add the one fact the database never declares: whether the printer has a
GB18030 Chinese font (Chinese-market models). That comes from configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from escpos.capabilities import CAPABILITIES

# Code pages we know how to encode with Python's codecs, in the order we try them.
# Names are python-escpos's; the values are Python codec names.
CODECS = {
    "CP437": "cp437",
    "CP866": "cp866",
    "CP858": "cp858",
    "CP1252": "cp1252",
    "CP1251": "cp1251",
    "CP850": "cp850",
}

DEFAULT_DOTS = 512
DEFAULT_COLUMNS = 42


class UnknownProfile(ValueError):
    """The configured profile is not in python-escpos's capability database."""


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    width_dots: int
    columns: int  # font A characters per line
    code_pages: tuple[tuple[str, int], ...]  # (codec, ESC t number), in preference order
    native_qr: bool
    native_barcode: bool
    cutter: bool
    gb18030: bool = False  # a Chinese font the printer selects with FS &
    confirms_jobs: bool = False  # answers GS ( H with its process id once a job is done

    @property
    def cell_dots(self) -> int:
        """Width of one font-A character, so raster text lines up with printed text."""
        return self.width_dots // self.columns

    @property
    def paper_mm(self) -> int:
        return 58 if self.width_dots <= 432 else 80

    def with_gb18030(self, enabled: bool) -> PrinterProfile:
        return replace(self, gb18030=enabled)


def _int_or(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def _code_pages(declared: dict[str, str]) -> tuple[tuple[str, int], ...]:
    """The profile's usable code pages: lowest ESC t number per name, in ``CODECS`` order."""
    numbers: dict[str, int] = {}
    for number, name in declared.items():
        if name in CODECS:
            numbers[name] = min(numbers.get(name, 255), int(number))
    return tuple((CODECS[name], numbers[name]) for name in CODECS if name in numbers)


@cache
def load_profile(name: str) -> PrinterProfile:
    """The named python-escpos profile reduced to what the kiosk's output depends on."""
    data = CAPABILITIES["profiles"].get(name)
    if data is None:
        known = ", ".join(sorted(CAPABILITIES["profiles"]))
        raise UnknownProfile(f"unknown printer profile {name!r}; known: {known}")
    features = data.get("features", {})
    fonts = data.get("fonts", {})
    columns = _int_or(fonts.get("0", {}).get("columns"), DEFAULT_COLUMNS)
    return PrinterProfile(
        name=name,
        width_dots=_int_or(data.get("media", {}).get("width", {}).get("pixels"), DEFAULT_DOTS),
        columns=columns,
        code_pages=_code_pages(data.get("codePages", {})),
        native_qr=bool(features.get("qrCode")),
        native_barcode=bool(features.get("barcodeB")),
        cutter=bool(features.get("paperFullCut") or features.get("paperPartCut")),
        confirms_jobs=confirms_jobs(name),
    )


def confirms_jobs(name: str) -> bool:
    """GS ( H (transmit the process id when everything before it is printed) is an Epson
    TM-series command that the capability database does not list; generic and 58 mm
    Chinese models ignore it, so a kiosk must not wait for an answer that never comes."""
    return name.upper().startswith("TM-")
