"""One kiosk per data directory: an exclusive lock held for the life of the process.

Two processes on one journal break the money rule in ways no single process can: a
``kiosk recover`` run beside a live sale settles the sale the other process is still making.
The lock is an ``flock`` on ``kiosk.lock``, so the kernel drops it when its holder dies, even
by SIGKILL: a crashed kiosk never leaves a stale lock behind for recovery to trip over.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO

LOCK_NAME = "kiosk.lock"


class DataDirBusy(Exception):
    """Another process holds the data directory; ``pid`` is who, when it could be read."""

    def __init__(self, data_dir: Path, pid: int | None) -> None:
        self.data_dir = data_dir
        self.pid = pid
        who = f"process {pid}" if pid else "another process"
        super().__init__(f"{data_dir}: in use by {who} (a kiosk is running on it); "
                         "stop it first")


class DataDirLock:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_NAME
        self._file: IO[str] | None = None

    def acquire(self) -> DataDirLock:
        """Take the lock now or raise ``DataDirBusy``; never waits."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="ascii")  # noqa: SIM115 (held for life)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            text = handle.read().strip()
            handle.close()
            raise DataDirBusy(self.data_dir, int(text) if text.isdigit() else None) from None
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            with contextlib.suppress(OSError):
                handle.truncate(0)
            handle.close()  # closing drops the flock

    def __enter__(self) -> DataDirLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
