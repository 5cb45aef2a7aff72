"""Lost journal writes: a deleted journal, a WAL cut in half, a damaged file. The kiosk must
not go on selling as if nothing happened: what the journal cannot account for is found at
start-up, before the next customer, and waits for an engineer."""

from __future__ import annotations

import pytest

from tests.recovery.harness import final_line, killed, kiosk
from tests.recovery.money_rule import check

pytestmark = pytest.mark.slow

CHARGED_NOT_RENEWED = "after_payment_journaled"


def journal_files(data_dir):
    return [data_dir / name for name in ("journal.sqlite", "journal.sqlite-wal",
                                          "journal.sqlite-shm")]


def charged_then_killed(data_dir):
    proc = kiosk(data_dir, "demo", "--headless", crash_at=CHARGED_NOT_RENEWED)
    assert killed(proc)


def every_violation_is_a_finding(data_dir, recover_stdout: str) -> None:
    """The money rule may be broken by lost storage; what matters is that nothing broken
    goes unsaid: each violation's transaction is named by a finding."""
    for violation in check(data_dir):
        assert f" {violation.reference}: " in recover_stdout, (violation, recover_stdout)


def test_a_deleted_journal_is_noticed_and_the_kiosk_stops_selling(tmp_path):
    charged_then_killed(tmp_path)
    for part in journal_files(tmp_path):
        part.unlink(missing_ok=True)
    recovered = kiosk(tmp_path, "recover")
    assert recovered.returncode == 1
    assert "finding 1: terminal " in recovered.stdout and "unknown to the journal" in \
        recovered.stdout
    every_violation_is_a_finding(tmp_path, recovered.stdout)
    sale = kiosk(tmp_path, "demo", "--headless")
    assert final_line(sale) == "final: out_of_service"
    listed = kiosk(tmp_path, "review")
    assert listed.returncode == 1 and "open findings: 1" in listed.stdout
    assert kiosk(tmp_path, "review", "resolve", "1", "--note", "refunded at the bank").returncode \
        == 0
    assert final_line(kiosk(tmp_path, "demo", "--headless")) == "final: done"


def test_a_wal_cut_in_half_loses_nothing_silently(tmp_path):
    charged_then_killed(tmp_path)
    wal = tmp_path / "journal.sqlite-wal"
    data = wal.read_bytes()
    assert len(data) > 4096  # the sale's commits are still in the WAL, not yet checkpointed
    wal.write_bytes(data[: len(data) // 2])
    recovered = kiosk(tmp_path, "recover")
    assert recovered.returncode in (0, 1), recovered.stderr
    every_violation_is_a_finding(tmp_path, recovered.stdout)
    if "finding" not in recovered.stdout:
        assert check(tmp_path) == []  # the rows left were enough to finish the sale


def test_a_damaged_journal_is_kept_aside_unchanged(tmp_path):
    charged_then_killed(tmp_path)
    kiosk(tmp_path, "recover")  # settles the sale and checkpoints the WAL into the file
    main = tmp_path / "journal.sqlite"
    damaged = bytearray(main.read_bytes())
    damaged[2048:6144] = b"\xa5" * 4096
    main.write_bytes(bytes(damaged))
    for part in journal_files(tmp_path)[1:]:
        part.unlink(missing_ok=True)
    recovered = kiosk(tmp_path, "recover")
    assert recovered.returncode == 1
    [aside] = tmp_path.glob("journal.damaged-*.sqlite")
    assert aside.read_bytes() == bytes(damaged)
    assert f"journal {aside.name}: failed SQLite's integrity check" in recovered.stdout
    assert "unknown to the journal" in recovered.stdout  # the charge it held, found again
    assert final_line(kiosk(tmp_path, "demo", "--headless")) == "final: out_of_service"


def test_a_finished_sale_lost_with_the_journal_is_found_at_both_ends(tmp_path):
    sale = kiosk(tmp_path, "demo", "--headless")
    assert final_line(sale) == "final: done"
    for part in journal_files(tmp_path):
        part.unlink(missing_ok=True)
    recovered = kiosk(tmp_path, "recover")
    assert recovered.returncode == 1
    found = [line.split(": ")[1] for line in recovered.stdout.splitlines()
             if line.startswith("finding ")]
    assert sorted(f.split()[0] for f in found) == ["operator", "terminal"]
    assert len({f.split()[1] for f in found}) == 1  # the same transaction, seen by both
