"""The traveller's touch UI: the only package that imports Kivy.

It shows the flow engine's ``View`` and forwards touches as engine events; it owns no business
logic. ``kivy_setup.prepare`` must run before any other module of this package is imported,
because Kivy reads its configuration and fonts at import time.
"""
