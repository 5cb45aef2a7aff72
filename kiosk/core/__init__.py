"""Pure domain of the kiosk: no I/O, no Kivy, no requests. Everything here is deterministic."""
