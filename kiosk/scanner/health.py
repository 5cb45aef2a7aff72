"""Camera health as the kiosk reports it: a state the UI can act on and a reason people read.

While the camera is not ``OK`` the UI keeps offering manual entry and the maintenance screen
shows the reason; the scanner keeps trying to reopen the device on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.core.messages import N_, Message


class HealthState(StrEnum):
    STARTING = "starting"
    OK = "ok"
    NO_DEVICE = "no_device"  # cannot be opened, or vanished (unplugged, file gone)
    FROZEN = "frozen"  # opened, but no new pictures arrive
    STOPPED = "stopped"  # the scanner was stopped on purpose


REASONS = {
    HealthState.STARTING: N_("The camera is starting."),
    HealthState.OK: N_("The camera is working."),
    HealthState.NO_DEVICE: N_("The camera cannot be reached. Is it plugged in?"),
    HealthState.FROZEN: N_("The camera has stopped sending pictures."),
    HealthState.STOPPED: N_("The camera is switched off."),
}


@dataclass(frozen=True)
class DeviceHealth:
    state: HealthState
    since: float  # monotonic clock

    @property
    def reason(self) -> Message:
        return Message(REASONS[self.state])

    @property
    def ok(self) -> bool:
        return self.state is HealthState.OK
