"""Every environment setting the gate reads, checked before a command runs anything (round 20).

Its own module, above the readers it calls: `gate.env_values` parses, the modules that use a setting import
it, and this one imports them all (`gate` and `evidence export` call it first)."""

from __future__ import annotations

from gate import cache, parallel_eval, publish, sdk_patches
from gate.checkov import parallel, processes
from gate.deadlines import Deadlines


def check() -> None:
    """Read every numeric setting now (each reader parses its own, where it is used): a bad one stops the
    command before it runs anything; and refuse variables that configure checkov (gate.checkov.processes)."""
    Deadlines.from_env()
    cache.env_dir()
    sdk_patches.resource_limit()
    sdk_patches.byte_limit()
    publish.lock_wait()
    parallel_eval.forced_workers()
    parallel.default_jobs()
    processes.refuse_configuring_variables()
