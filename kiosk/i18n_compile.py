"""Compile the gettext catalogs at set-up time.

Source catalogs are per area (``assets/locale/<lang>/<area>.po``) so separate parts of the
kiosk never edit one file; here they are merged into one ``LC_MESSAGES/kiosk.mo`` per
language. Compiled catalogs are build products and are never committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "assets" / "locale"
DOMAIN = "kiosk"


def merged_catalog(lang_dir: Path) -> Catalog:
    """All of one language's area catalogs as one; a msgid defined twice must agree."""
    merged = Catalog(locale=lang_dir.name)
    for po_path in sorted(lang_dir.glob("*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=lang_dir.name)
        for message in catalog:
            if not message.id:
                continue
            existing = merged.get(message.id)
            if existing is not None and existing.string != message.string:
                raise ValueError(f"{po_path}: {message.id!r} translated differently elsewhere")
            merged[message.id] = message
    return merged


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for lang_dir in sorted(p for p in locale_dir.iterdir() if p.is_dir()):
        sources = list(lang_dir.glob("*.po"))
        if not sources:
            continue
        mo_path = lang_dir / "LC_MESSAGES" / f"{DOMAIN}.mo"
        newest = max(p.stat().st_mtime for p in sources)
        if mo_path.exists() and mo_path.stat().st_mtime >= newest:
            continue
        mo_path.parent.mkdir(exist_ok=True)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, merged_catalog(lang_dir), use_fuzzy=False)
        written.append(mo_path)
    return written


def main() -> int:
    for path in compile_all():
        print(f"compiled {path.relative_to(LOCALE_DIR.parent.parent)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
