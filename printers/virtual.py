"""A virtual network receipt printer: a real TCP server that behaves like an Epson one.

It parses every byte with the same strict decoder the tests use, stores each finished job,
answers DLE EOT status queries and GS ( H job confirmations as a TM-series printer does, and
can be put into the states the field throws at a kiosk: paper near end or out, cover open,
offline, not answering, power lost in the middle of a job, and paper running out in the
middle of one, which it holds and finishes once paper is loaded, confirming it late, as a
real printer does. A profile whose printers have no job confirmation (generic 58 mm models)
never answers GS ( H. Demo mode prints to it.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from dataclasses import dataclass, field

from kiosk.logs import event
from printers import status as st
from printers.decode import Cut, EscPosParser, Item, Query, TextLine
from printers.profiles import load_profile

log = logging.getLogger(__name__)
IDLE_S = 0.25  # a job with no cut and no confirmation request is done when the line goes quiet


@dataclass
class PrintedJob:
    data: bytes
    items: list[Item] = field(default_factory=list)

    @property
    def text_lines(self) -> list[str]:
        return [item.text for item in self.items if isinstance(item, TextLine)]


@dataclass
class PrinterState:
    paper_near_end: bool = False
    paper_out: bool = False
    cover_open: bool = False
    offline: bool = False
    silent: bool = False  # connected, but answers nothing (a hung printer)

    @property
    def can_print(self) -> bool:
        return not (self.paper_out or self.cover_open or self.offline)


class VirtualPrinter:
    """Use as a context manager; ``address`` is where the kiosk connects."""

    def __init__(self, profile_name: str = "TM-T88V", host: str = "127.0.0.1", port: int = 0):
        self.profile_name = profile_name
        self.host, self.port = host, port
        self.state = PrinterState()
        self.jobs: list[PrintedJob] = []
        self.lost_jobs = 0  # jobs cut short by a power loss
        self.confirms_jobs = load_profile(profile_name).confirms_jobs
        self._lock = threading.Condition()
        self._listener: socket.socket | None = None
        self._connections: set[socket.socket] = set()
        self._power_off_after: int | None = None
        self._paper_out_after: int | None = None
        # Jobs stopped by the paper running out, each with its connection and its
        # unanswered confirmation request: finished, in order, when paper is loaded.
        self._held: list[list] = []

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> VirtualPrinter:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(4)
        self.port = listener.getsockname()[1]  # keep the port across power cycles
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        event(log, "virtual_printer.on", port=self.port, profile=self.profile_name)
        return self

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            for conn in list(self._connections):
                _hard_close(conn)
            self._connections.clear()

    def __enter__(self) -> VirtualPrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    @property
    def powered(self) -> bool:
        return self._listener is not None

    def power_off(self) -> None:
        """Like pulling the plug: connections reset, nothing listens until ``power_on``."""
        self.stop()
        event(log, "virtual_printer.off", port=self.port)

    def power_on(self) -> None:
        self.state = PrinterState(paper_near_end=self.state.paper_near_end)
        self.start()

    def power_off_after(self, byte_count: int) -> None:
        """Lose power once ``byte_count`` more bytes of data have arrived."""
        self._power_off_after = byte_count

    def paper_out_after(self, byte_count: int) -> None:
        """The roll ends once ``byte_count`` more bytes of data have arrived."""
        self._paper_out_after = byte_count

    def load_paper(self) -> None:
        """A new roll: a job the paper ran out on is printed to its end and, when it asked
        for one, its confirmation goes out now, late."""
        self.state.paper_out = False
        with self._lock:
            held, self._held = self._held, []
        for job, conn, job_id in held:
            self._finish(job)
            if job_id is not None:
                with contextlib.suppress(OSError):
                    conn.sendall(st.process_id_response(job_id))

    def wait_for_jobs(self, count: int, timeout_s: float = 5.0) -> list[PrintedJob]:
        with self._lock:
            self._lock.wait_for(lambda: len(self.jobs) >= count, timeout_s)
            return list(self.jobs)

    # -- serving ----------------------------------------------------------------------------
    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        parser = EscPosParser(self.profile_name)
        job = PrintedJob(b"")
        conn.settimeout(IDLE_S)
        try:
            while True:
                try:
                    data = conn.recv(65536)
                except TimeoutError:  # the line went quiet: what came is printed
                    job = self._job_ended(conn, job)
                    continue
                if not data:
                    self._job_ended(conn, job)
                    return
                if self._loses_power(len(data)):
                    self.lost_jobs += 1  # the partial job dies with the power
                    self.power_off()
                    return
                self._runs_out_of_paper(len(data))
                job.data += data
                for item in parser.feed(data):
                    job = self._handle(conn, job, item)
        except OSError:
            return
        except ValueError as exc:  # garbage: a real printer would print nonsense
            event(log, "virtual_printer.garbage", level=logging.WARNING, error=str(exc))
        finally:
            with self._lock:
                self._connections.discard(conn)
            conn.close()

    def _loses_power(self, received: int) -> bool:
        if self._power_off_after is None:
            return False
        if received < self._power_off_after:
            self._power_off_after -= received
            return False
        self._power_off_after = None
        return True

    def _runs_out_of_paper(self, received: int) -> None:
        if self._paper_out_after is None:
            return
        if received < self._paper_out_after:
            self._paper_out_after -= received
            return
        self._paper_out_after = None
        self.state.paper_out = True

    def _handle(self, conn: socket.socket, job: PrintedJob, item: Item) -> PrintedJob:
        if isinstance(item, Query):
            return self._answer(conn, job, item)
        job.items.append(item)
        if isinstance(item, Cut):
            if self.state.can_print:
                return self._finish(job)
            return self._hold(job, conn, None)
        return job

    def _hold(self, job: PrintedJob, conn: socket.socket, job_id: bytes | None) -> PrintedJob:
        """The paper ran out with ``job`` in the buffer: it waits for a new roll, and what
        comes next is another job, never glued onto this one. A confirmation request right
        after a held job's cut belongs to that job."""
        with self._lock:
            if job.items:
                self._held.append([job, conn, job_id])
            elif self._held and self._held[-1][1] is conn and job_id is not None:
                self._held[-1][2] = job_id
        return PrintedJob(b"")

    def _finish(self, job: PrintedJob) -> PrintedJob:
        if any(not isinstance(item, Query) for item in job.items):
            with self._lock:
                self.jobs.append(job)
                self._lock.notify_all()
        return PrintedJob(b"")

    def _answer(self, conn: socket.socket, job: PrintedJob, query: Query) -> PrintedJob:
        if self.state.silent:
            return job
        if query.command == b"\x1d(H":
            job_id = query.parameters[2:6] if self.confirms_jobs else None
            if not self.state.can_print:  # it never gets to the request until paper is in
                return self._hold(job, conn, job_id)
            job = self._finish(job)
            if job_id is not None:  # a printer without the command prints on, silent
                conn.sendall(st.process_id_response(job_id))
            return job
        job = self._job_ended(conn, job)  # a printer without a cutter ends jobs so
        conn.sendall(bytes((self._status_byte(query),)))
        return job

    def _job_ended(self, conn: socket.socket, job: PrintedJob) -> PrintedJob:
        """Data with no cut and no confirmation request after it (a printer without a
        cutter, one without GS ( H) is a job once the kiosk moves on to something else."""
        if not job.items:
            return job
        return self._finish(job) if self.state.can_print else self._hold(job, conn, None)

    def _status_byte(self, query: Query) -> int:
        state, n = self.state, query.parameters[0]
        if query.command == b"\x1dr":  # GS r 1: paper sensors, bits 0-1 near end, 2-3 end
            return (0x03 if state.paper_near_end else 0) | (0x0C if state.paper_out else 0)
        value = 0x12
        if n == st.PRINTER and not state.can_print:
            value |= st.OFFLINE_BIT
        elif n == st.OFFLINE_CAUSE:
            value |= st.COVER_OPEN_BIT if state.cover_open else 0
            value |= st.PAPER_STOP_BIT if state.paper_out else 0
            value |= st.ERROR_BIT if state.offline else 0
        elif n == st.PAPER:
            value |= st.NEAR_END_BITS if state.paper_near_end or state.paper_out else 0
            value |= st.PAPER_END_BITS if state.paper_out else 0
        return value


def _hard_close(conn: socket.socket) -> None:
    """Close with a reset, as a printer losing power does (no orderly FIN)."""
    try:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()
