"""A fake ``sb_pilot``: the same command line, the same ``e`` and ``p`` files in the working
directory (KOI8-R), an exit status that means nothing, and faults a real one shows.

Its state lives in ``$FAKE_SB_PILOT_STATE`` (a folder): ``script``, one outcome per line,
used one per money operation (default approve); ``ledger.json``, every operation it did,
the terminal's own memory, which the last-operation query (26) reads back.

Outcomes: approve, decline, cancel (the customer at the pin pad), hang (nothing happens,
the program never ends), approve_then_hang (the money moves, then it never ends), missing
(the money moves, no result file), garbage (the money moves, the result file is noise),
utf8 (the money moves, the file is UTF-8 not KOI8-R), exit_lies (a correct file, and an
exit status saying the opposite).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

CODES = {"approve": 0, "decline": 4134, "cancel": 2000}
MESSAGES = {0: "ОДОБРЕНО", 4134: "ОТКАЗ: НЕДОСТАТОЧНО СРЕДСТВ", 2000: "ОПЕРАЦИЯ ПРЕРВАНА"}
MONEY_OPS = {"1": "pay", "3": "refund", "8": "cancel"}
TERMINAL_ID = "00123456"


def main(argv: list[str]) -> int:
    state = Path(os.environ["FAKE_SB_PILOT_STATE"])
    if not Path("pinpad.ini").exists():  # the real one cannot reach its pin pad without it
        _write_result(["99,НЕТ ФАЙЛА PINPAD.INI"])
        return 1
    if not argv:
        return 2
    op = argv[0]
    if op == "26":
        return _last_operation(state)
    if op == "7":
        _write_slip(["СБЕРБАНК", "СВЕРКА ИТОГОВ", "ИТОГИ СОВПАЛИ"])
        _write_result(["0,ИТОГИ СОВПАЛИ"])
        return 0
    if op not in MONEY_OPS or len(argv) < 2 or not argv[1].isdigit():
        _write_result(["12,НЕВЕРНЫЕ ПАРАМЕТРЫ"])
        return 1
    return _money(state, MONEY_OPS[op], int(argv[1]), argv[2] if len(argv) > 2 else None)


def _money(state: Path, kind: str, amount: int, rrn_in: str | None) -> int:
    outcome = _next_outcome(state)
    if outcome == "hang":
        _hang()
    code = CODES.get(outcome, 0)
    entry = _record(state, kind, amount, code, rrn_in)
    if outcome == "approve_then_hang":
        _hang()
    if outcome == "missing":
        return 0
    lines = _result_lines(entry)
    if outcome == "garbage":
        Path("e").write_bytes(b"\xff\xfe#!%%\x01\x02 not a result\n\n\x7f")
        return 0
    if outcome == "utf8":
        Path("e").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return 0
    _write_slip(_slip(entry))
    _write_result(lines)
    exit_status = 0 if code == 0 else 1
    return 1 - exit_status if outcome == "exit_lies" else exit_status


def _next_outcome(state: Path) -> str:
    script = state / "script"
    lines = script.read_text().splitlines() if script.exists() else []
    if not lines:
        return "approve"
    script.write_text("".join(line + "\n" for line in lines[1:]))
    return lines[0].strip()


def _record(state: Path, kind: str, amount: int, code: int, rrn_in: str | None) -> dict:
    ledger_path = state / "ledger.json"
    ledger = json.loads(ledger_path.read_text()) if ledger_path.exists() else []
    seq = len(ledger) + 1
    digest = hashlib.sha256(f"{seq}-{amount}-{time.time_ns()}".encode()).hexdigest()
    entry = {
        "seq": seq, "kind": kind, "amount": amount, "code": code, "of_rrn": rrn_in,
        "auth_code": str(int(digest[:8], 16))[:6].rjust(6, "0") if code == 0 else "",
        "rrn": str(int(digest[8:20], 16))[:12].rjust(12, "0") if code == 0 else "",
        "when": datetime.now(ZoneInfo(os.environ.get("FAKE_SB_PILOT_TZ", "Europe/Moscow")))
        .strftime("%Y%m%d%H%M%S"),
    }
    ledger.append(entry)
    partial = ledger_path.with_suffix(".tmp")
    partial.write_text(json.dumps(ledger))
    os.replace(partial, ledger_path)  # the terminal's memory survives any kill
    return entry


def _result_lines(entry: dict) -> list[str]:
    card = "220220******4242" if entry["kind"] == "pay" else ""
    return [f"{entry['code']},{MESSAGES.get(entry['code'], 'ОТКАЗ')}", card, "12/29",
            entry["auth_code"], str(entry["seq"]), "MIR", "1", TERMINAL_ID, entry["when"],
            entry["rrn"], digest_of(card), str(entry["amount"])]


def digest_of(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def _slip(entry: dict) -> list[str]:
    title = {"pay": "ОПЛАТА", "refund": "ВОЗВРАТ", "cancel": "ОТМЕНА"}[entry["kind"]]
    rub, kop = divmod(entry["amount"], 100)
    return ["СБЕРБАНК", title, f"ТЕРМИНАЛ {TERMINAL_ID}", f"СУММА: {rub}.{kop:02d} РУБ",
            f"КОД АВТОРИЗАЦИИ: {entry['auth_code']}", f"RRN: {entry['rrn']}",
            MESSAGES.get(entry["code"], "ОТКАЗ")]


def _last_operation(state: Path) -> int:
    ledger_path = state / "ledger.json"
    ledger = json.loads(ledger_path.read_text()) if ledger_path.exists() else []
    if not ledger:
        _write_result(["4451,НЕТ ОПЕРАЦИЙ"])
        return 1
    _write_result(_result_lines(ledger[-1]))
    return 0


def _write_result(lines: list[str]) -> None:
    Path("e").write_bytes(("\n".join(lines) + "\n").encode("koi8_r"))


def _write_slip(lines: list[str]) -> None:
    Path("p").write_bytes(("\n".join(lines) + "\n").encode("koi8_r"))


def _hang() -> None:
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
