"""A file or device node (/dev/usb/lp0): write-only, so no status and no read-back.

Writing to a regular file delivers the job completely once it is flushed and synced, so
that counts as confirmed; a device node swallows bytes whether or not the printer prints
them, so a job sent there is never confirmed. Nothing is ever created: a device node that is
gone (the printer unplugged) is unreachable, not a new plain file that "printed" the job.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from printers.transports.base import Transport, TransportError


class FileTransport(Transport):
    reads_status = False

    def __init__(self, path: str | Path, timeout_s: float = 5.0) -> None:
        super().__init__(timeout_s)
        self.path = Path(path)

    @property
    def is_regular_file(self) -> bool:
        try:
            return stat.S_ISREG(self.path.stat().st_mode)
        except OSError:
            return False

    def open(self) -> None:
        self.close()
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOCTTY", 0))
        except FileNotFoundError as exc:
            raise TransportError(f"{self.path} does not exist: printer unplugged?") from exc
        except OSError as exc:
            raise TransportError(f"cannot open {self.path}: {exc}") from exc
        self._handle = os.fdopen(fd, "ab")

    def write(self, data: bytes) -> None:
        file: BinaryIO = self._open_handle()
        try:
            file.write(data)
            file.flush()
            if self.is_regular_file:
                os.fsync(file.fileno())
        except OSError as exc:
            self.close()
            raise TransportError(f"writing {self.path} failed: {exc}") from exc

    def read_some(self, timeout_s: float) -> bytes:
        return b""

    def describe(self) -> str:
        return f"file {self.path}"
