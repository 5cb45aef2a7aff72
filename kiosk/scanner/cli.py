"""``kiosk scan PATH...``: decode card barcodes in pictures or videos, for the field engineer
checking a camera, a card batch or a customer complaint without the kiosk UI."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2

from kiosk.core.card_payload import CardIdentity
from kiosk.core.messages import N_, Message
from kiosk.i18n import LANGUAGES, Translator
from kiosk.scanner.confirm import ReadConfirmer, ScanRead, ScanRejected
from kiosk.scanner.pipeline import DecodePipeline, too_small

NOTHING_FOUND = N_("No card barcode found.")
UNREADABLE_FILE = N_("This file is not a picture or a video that can be opened.")
NO_SUCH_FILE = N_("There is no such file.")
TOO_SMALL = N_("This picture is too small to hold a card's barcode.")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("scan", help="decode card barcodes in images or videos")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--show", action="store_true", help="print full numbers, not masked")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.add_argument("--lang", default="en", choices=LANGUAGES, help="language of reasons")
    parser.set_defaults(handler=run)


@dataclass(frozen=True)
class FileOutcome:
    path: Path
    read: ScanRead | None = None
    rejection: Message | None = None
    frame: int | None = None


def scan_file(path: Path, pipeline: DecodePipeline) -> FileOutcome:
    """The first card read in a picture or video, else the most telling reason."""
    if not path.is_file():
        return FileOutcome(path, rejection=Message(NO_SUCH_FILE))
    try:
        return _scan_opened(path, pipeline)
    except (cv2.error, MemoryError):  # one damaged file says so; the batch goes on
        return FileOutcome(path, rejection=Message(UNREADABLE_FILE))


def _scan_opened(path: Path, pipeline: DecodePipeline) -> FileOutcome:
    image = cv2.imread(str(path))
    if image is not None and too_small(image):
        return FileOutcome(path, rejection=Message(TOO_SMALL))
    frames = [image] if image is not None else _video_frames(path)
    # A still picture has one frame: it cannot be seen twice, so one sighting confirms.
    confirmer = ReadConfirmer(agreeing_reads=1 if image is not None else 2)
    rejection: Message | None = None
    opened = False
    for number, frame in enumerate(frames):
        opened = True
        report = confirmer.offer(pipeline.decode(frame))
        if isinstance(report, ScanRead):
            return FileOutcome(path, read=report, frame=number)
        if isinstance(report, ScanRejected):
            rejection = report.rejection.message
    if not opened:
        return FileOutcome(path, rejection=Message(UNREADABLE_FILE))
    return FileOutcome(path, rejection=rejection or Message(NOTHING_FOUND))


def _video_frames(path: Path):
    capture = cv2.VideoCapture(str(path))
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                return
            yield frame
    finally:
        capture.release()


def run(args: argparse.Namespace) -> int:
    pipeline = DecodePipeline()
    translator = Translator(args.lang)
    outcomes = [scan_file(path, pipeline) for path in args.paths]
    rows = [_row(o, args.show, translator) for o in outcomes]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for row in rows:
            print(f"{row['path']}: {_line(row)}")
    return 0 if all(o.read for o in outcomes) else 1


def _row(outcome: FileOutcome, show: bool, translator: Translator) -> dict:
    row: dict = {"path": str(outcome.path), "ok": outcome.read is not None}
    if outcome.read is not None:
        identity: CardIdentity = outcome.read.identity
        row["iccid"] = identity.iccid.digits if show else identity.iccid.masked()
        phone = identity.phone
        row["phone"] = None if phone is None else (phone.e164 if show else phone.masked())
        row.update(symbology=outcome.read.symbology, backend=outcome.read.backend,
                   frame=outcome.frame)
    else:
        assert outcome.rejection is not None
        row["reason"] = translator.message(outcome.rejection)
    return row


def _line(row: dict) -> str:
    if not row["ok"]:
        return row["reason"]
    phone = f" phone {row['phone']}" if row.get("phone") else ""
    return f"{row['iccid']}{phone} ({row['symbology']}, frame {row['frame']})"


