"""The Pulumi SDK's process-wide settings and config, kept across a block (engine round 16).

`pulumi.runtime.settings.SETTINGS` (project, stack, organization, the monitor and engine, dry run, root
directory) and `pulumi.runtime.config` (`CONFIG`, `_SECRET_KEYS`) are context variables of the main
thread: a test that records a program, or reads a stack's typed config, in its own process leaves them set,
and the next test in that worker read another stack's PIA record (CI, 2026-12-03: a public bucket judged
as "vertrouwelijk"). `kept()` snapshots them and puts back whatever the block changed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

SETTINGS_FIELDS = ("project", "stack", "organization", "root_directory", "dry_run", "monitor", "engine")


def snapshot() -> dict[str, Any]:
    """The current values (config copied: `set_config` changes the map in place)."""
    from pulumi.runtime import config, settings

    got: dict[str, Any] = {f: getattr(settings.SETTINGS, f) for f in SETTINGS_FIELDS}
    got["CONFIG"] = dict(config.CONFIG.get())
    got["_SECRET_KEYS"] = set(config._SECRET_KEYS.get())
    return got


def restore(saved: dict[str, Any]) -> None:
    """Put back every value that differs from `saved`."""
    from pulumi.runtime import config, settings

    for field in SETTINGS_FIELDS:
        if getattr(settings.SETTINGS, field) is not saved[field]:
            setattr(settings.SETTINGS, field, saved[field])
    if config.CONFIG.get() != saved["CONFIG"]:
        config.CONFIG.set(dict(saved["CONFIG"]))
    if config._SECRET_KEYS.get() != saved["_SECRET_KEYS"]:
        config._SECRET_KEYS.set(set(saved["_SECRET_KEYS"]))


@contextlib.contextmanager
def kept() -> Iterator[None]:
    saved = snapshot()
    try:
        yield
    finally:
        restore(saved)
