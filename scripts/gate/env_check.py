"""Every environment setting the gate reads, checked before a command runs anything (round 20).

Its own module, above the readers it calls: `gate.env_values` parses, the modules that use a setting import
it, and this one imports them all (`gate` and `evidence export` call it first)."""

from __future__ import annotations

from gate import cache, environ, parallel_eval, publish, sdk_patches
from gate.checkov import parallel, processes
from gate.deadlines import Deadlines
from gate.errors import GateError


def check() -> None:
    """Read every numeric setting now (each reader parses its own, where it is used): a bad one stops the
    command before it runs anything; refuse variables that configure checkov (gate.checkov.processes) and
    those that would change the recording (round 21: gate.environ.refused_variables)."""
    Deadlines.from_env()
    cache.env_dir()
    sdk_patches.resource_limit()
    sdk_patches.byte_limit()
    publish.lock_wait()
    parallel_eval.forced_workers()
    parallel.default_jobs()
    processes.refuse_configuring_variables()
    names = environ.refused_variables()
    if names:
        raise GateError(f"{', '.join(names)}: inherited, would change what the program registers or how "
                        "it runs (the gate records the SDK's defaults, the stack's config from its "
                        "Pulumi.<stack>.yaml, and its own run variables); unset it")
