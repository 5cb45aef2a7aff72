"""Python's cycle collector, kept small on the traveller's frames.

Every dropped screen leaves tens of thousands of objects in reference cycles (Kivy widgets,
their properties and rules), so the collector's full passes are what stalls the window: on
this machine a full pass over the started kiosk took 70-200 ms. What the kiosk built at
start (modules, fonts, decoders, the window) lives as long as the process, so it is moved
out of the collector's sight once the first screen is up; a full pass then looks only at
what came after, and costs a fraction.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def freeze_start_up() -> None:
    """Collect once, then exempt every surviving object from future passes."""
    gc.collect()
    gc.freeze()
    log.info("ui.memory_frozen", extra={"objects": gc.get_freeze_count()})
