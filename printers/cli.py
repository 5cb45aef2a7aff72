"""``kiosk print-sample``: the ESC/POS bytes and PNG preview of any layout, language, profile."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.i18n import LANGUAGES
from printers.encode import encode
from printers.preview import write_preview
from printers.profiles import UnknownProfile, load_profile
from printers.samples import LAYOUTS, sample_document


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "print-sample", help="write a sample receipt as ESC/POS bytes and a PNG preview"
    )
    parser.add_argument("--layout", choices=LAYOUTS, default="receipt")
    parser.add_argument("--lang", choices=LANGUAGES, default="en")
    parser.add_argument("--profile", default="TM-T88V", help="python-escpos printer profile")
    parser.add_argument("--gb18030", action="store_true", help="the printer has a Chinese font")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        profile = load_profile(args.profile).with_gb18030(args.gb18030)
    except UnknownProfile as exc:
        print(exc, file=sys.stderr)
        return 2
    document = sample_document(args.layout, args.lang, profile)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"{args.layout}-{args.lang}-{profile.name}"
    job = args.out / f"{stem}.bin"
    job.write_bytes(encode(document, profile))
    png = write_preview(document, profile, args.out / f"{stem}.png")
    print(f"{job} ({job.stat().st_size} bytes)\n{png}")
    return 0
