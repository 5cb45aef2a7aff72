"""A real X server (Xvfb) for end-to-end tests, and ``kiosk demo`` running in it.

Xvfb picks a free display itself (``-displayfd``), so tests never collide with another
session's server. Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTLE_S = 0.8  # before tapping a screen that just went up
MISSING = "Xvfb is not installed (apt-get install xvfb; scripts/bootstrap.sh does)"


class XServer:
    def __init__(self, width: int = 1080, height: int = 1920) -> None:
        self.size = (width, height)
        self.process: subprocess.Popen | None = None
        self.display = ""

    def start(self, limit_s: float = 30) -> XServer:
        read_fd, write_fd = os.pipe()
        self.process = subprocess.Popen(
            ["Xvfb", f":{free_display()}", "-displayfd", str(write_fd), "-screen", "0",
             f"{self.size[0]}x{self.size[1]}x24", "-nolisten", "tcp", "-noreset"],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        said, end = b"", time.monotonic() + limit_s
        try:  # to its newline: Xvfb dies if the pipe closes between the number and the "\n"
            while not said.endswith(b"\n"):
                ready, _, _ = select.select([read_fd], [], [], max(0, end - time.monotonic()))
                chunk = os.read(read_fd, 64) if ready else b""
                if not chunk:
                    raise RuntimeError(f"Xvfb did not say which display it took ({said!r})")
                said += chunk
        finally:
            os.close(read_fd)
        self.display = f":{said.decode().strip()}"
        return self

    def stop(self) -> None:
        if self.process is not None:
            end(self.process, 10)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",
                                                                 "SDL_VIDEODRIVER")}
        env["DISPLAY"] = self.display
        return env


def free_display(first: int = 40) -> int:
    """A display number no X server uses (no lock file, no abstract socket, which every
    process in the network namespace shares whatever its /tmp), spread by our pid: tests
    run by other sessions on this machine never reach each other's servers."""
    for number in range(first + os.getpid() % 50, 1000):
        if Path(f"/tmp/.X{number}-lock").exists():
            continue
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(f"\0/tmp/.X11-unix/X{number}")
        except OSError:
            return number
        finally:
            probe.close()
    raise RuntimeError("no free X display number")


def end(process: subprocess.Popen, limit_s: float) -> None:
    """Terminate ``process`` if it still runs; kill it if it does not end in ``limit_s``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(limit_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def have_xvfb() -> bool:
    return shutil.which("Xvfb") is not None


class KioskProcess:
    """``kiosk demo`` in the X server, its structured log (stderr) collected as it comes."""

    def __init__(self, x: XServer, data_dir: Path, config: Path | None = None,
                 args: tuple[str, ...] = (), log_level: str = "info") -> None:
        command = [sys.executable, "-m", "kiosk.cli", "--data-dir", str(data_dir),
                   "--log-level", log_level]
        if config is not None:
            command += ["--config", str(config)]
        self.log_path = data_dir.parent / f"{data_dir.name}-kiosk.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([*command, "demo", *args], cwd=ROOT, env=x.env(),
                                        stdout=subprocess.DEVNULL, stderr=self._log,
                                        start_new_session=True)

    def text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def events(self) -> list[dict]:
        found = []
        for line in self.text().splitlines():
            if line.startswith("{"):
                with contextlib.suppress(ValueError):
                    found.append(json.loads(line))
        return found

    def wait_for(self, ready: Callable[[], bool], what: str, limit_s: float = 180) -> None:
        end = time.monotonic() + limit_s
        while not ready():
            if self.process.poll() is not None:
                raise AssertionError(f"kiosk ended ({self.process.returncode}) before {what}:"
                                     f"\n{self.text()[-3000:]}")
            if time.monotonic() > end:
                raise AssertionError(f"never reached: {what}\n{self.text()[-3000:]}")
            time.sleep(0.1)

    def has_event(self, name: str, **fields) -> bool:
        return any(e.get("event") == name and all(e.get(k) == v for k, v in fields.items())
                   for e in self.events())

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        end(self.process, 30)
        self._log.close()


def running_in_group(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group: what a stopped kiosk left running."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, ...
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def wait_until(ready: Callable[[], bool], what: str, limit_s: float = 60) -> None:
    end = time.monotonic() + limit_s
    while not ready():
        if time.monotonic() > end:
            raise AssertionError(f"never reached: {what}")
        time.sleep(0.05)


class Pointer:
    """Real input events into the kiosk's window through xdotool: taps on the buttons the
    kiosk reported (``ui.buttons``) and typing (a keyboard-wedge scanner's burst)."""

    def __init__(self, xdotool: str, x: XServer, kiosk: KioskProcess) -> None:
        self.xdotool, self.x, self.kiosk = xdotool, x, kiosk
        # the only client of this private X server; SDL names the window for the window
        # manager only, so it is found by its class
        found = self._run("search", "--sync", "--class", ".")
        self.window = found.split()[0]

    def _run(self, *args: str) -> str:
        return subprocess.run([self.xdotool, *args], env=self.x.env(), capture_output=True,
                              text=True, timeout=60, check=True).stdout

    def screen(self, step: str, showing: Callable[[list], bool], what: str,
               limit_s: float = 180) -> dict[str, tuple[int, int]]:
        """The newest built screen at ``step`` whose buttons satisfy ``showing``."""
        def newest():
            for e in reversed(self.kiosk.events()):
                if e.get("event") == "ui.buttons":
                    return e if e["step"] == step and showing(e["buttons"]) else None
            return None

        self.kiosk.wait_for(lambda: newest() is not None, what, limit_s)
        # as a person would, not at the very frame it went up: a screen ignores taps for a
        # moment after it changes (a double tap must not reach the next screen)
        time.sleep(SETTLE_S)
        return {label: (x, y) for label, x, y in newest()["buttons"]}

    def tap(self, place: tuple[int, int]) -> None:
        self._run("mousemove", "--window", self.window, str(place[0]), str(place[1]),
                  "click", "1")

    def type(self, text: str, delay_ms: int) -> None:
        self._run("type", "--window", self.window, "--delay", str(delay_ms), text)

    def key(self, name: str) -> None:
        self._run("key", "--window", self.window, name)
