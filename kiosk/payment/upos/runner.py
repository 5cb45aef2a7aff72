"""One run of the vendor program: a fresh working directory, a hard time limit, and the
files it left, whatever its exit status says."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

RESULT_FILE, SLIP_FILE = "e", "p"


@dataclass(frozen=True)
class Run:
    result: bytes | None  # None: no result file (the program died, hung or wrote nothing)
    slip: bytes
    exit_status: int | None  # None: killed at the time limit; never taken as the outcome
    timed_out: bool


def run(executable: Path, args: list[str], workdir: Path, config_dir: Path | None,
        timeout_s: float) -> Run:
    """Runs ``executable args`` in ``workdir`` (made here, must not exist yet). The files
    the program needs beside it (``pinpad.ini`` and the like) are linked in from
    ``config_dir``. A program still running at ``timeout_s`` is killed with its children."""
    workdir.mkdir(parents=True)
    if config_dir is not None:
        for item in sorted(config_dir.iterdir()):
            (workdir / item.name).symlink_to(item.resolve())
    with subprocess.Popen([str(executable), *args], cwd=workdir, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          start_new_session=True) as process:
        try:
            status: int | None = process.wait(timeout=timeout_s)
            timed_out = False
        except subprocess.TimeoutExpired:
            _kill_group(process)
            status, timed_out = None, True
    return Run(_read(workdir / RESULT_FILE), _read(workdir / SLIP_FILE) or b"", status,
               timed_out)


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None
