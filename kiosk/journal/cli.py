"""``kiosk journal export``, ``kiosk recover`` and ``kiosk faults``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk import config as config_mod
from kiosk.faults import STEPS
from kiosk.paths import data_dir as resolve_data_dir


def register(subparsers: argparse._SubParsersAction) -> None:
    journal = subparsers.add_parser("journal", help="the transaction journal")
    actions = journal.add_subparsers(dest="journal_command", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write every transaction as CSV (masked)")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.set_defaults(handler=run_export)

    recover = subparsers.add_parser("recover", help="settle unfinished transactions now")
    recover.set_defaults(handler=run_recover)

    faults = subparsers.add_parser("faults", help="list the KIOSK_CRASH_AT fault points")
    faults.set_defaults(handler=run_faults)


def run_export(args: argparse.Namespace) -> int:
    from kiosk.journal.export import export_csv
    from kiosk.journal.lock import DataDirLock
    from kiosk.journal.store import Journal

    data_dir = resolve_data_dir(args.data_dir)
    lock = DataDirLock(data_dir).acquire()  # not beside a running kiosk: its rows move
    try:
        out = args.out.open("w", newline="", encoding="utf-8") if args.out else None
    except OSError as exc:
        lock.release()
        print(f"kiosk journal export: --out {args.out}: {exc.strerror}", file=sys.stderr)
        return 2
    journal = Journal(data_dir / "journal.sqlite")
    try:
        if out is not None:
            with out:
                count = export_csv(journal, out)
            print(f"{count} transactions written to {args.out}", file=sys.stderr)
        else:
            export_csv(journal, sys.stdout)
    finally:
        journal.close()
        lock.release()
    return 0


def run_recover(args: argparse.Namespace) -> int:
    """With --config FILE, on what the file names (refused as ``kiosk run`` refuses it);
    without, on the embedded demo's simulators."""
    from kiosk import app
    from kiosk.journal.review_cli import finding_line

    cfg = getattr(args, "loaded_config", None)
    if cfg is None:
        cfg = config_mod.load(None)
    else:
        config_mod.check_runnable(cfg)  # printed one line per problem, exit 2, by kiosk.cli
    kiosk = app.build(cfg, resolve_data_dir(args.data_dir))
    try:
        settled = kiosk.recover()
        findings = kiosk.journal.findings()
    finally:
        kiosk.close()
    for line in settled:
        note = f" ({line.note})" if line.note else ""
        print(f"{line.tx_id}: {line.before} -> {line.after}{note}")
    for finding in findings:
        print(finding_line(finding))
    print(f"recovered: {len(settled)}")
    return 1 if findings or any(line.after == "manual_review" for line in settled) else 0


def run_faults(args: argparse.Namespace) -> int:
    for step, meaning in STEPS.items():
        print(f"{step:<26} {meaning}")
    return 0
