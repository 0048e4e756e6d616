"""Environment variables set for the length of a block and restored afterwards (only the keys it set)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping


@contextlib.contextmanager
def environ(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set each variable whose value is not None; afterwards restore exactly those keys."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update({k: v for k, v in values.items() if v is not None})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def kept(*keys: str) -> contextlib.AbstractContextManager[None]:
    """Whatever the block sets of `keys` is undone afterwards (round 16: a command's `--as-of`, exported for
    its packs, stayed the date of every later command of the process that gave none)."""
    return environ(dict.fromkeys(keys))


# what the gate tells its packs (options.records_env)
PACK_VARIABLES = ("GATE_RECORDS_DIR", "GATE_PROGRAM_DIR", "GATE_STACK_GRAPHS")
# the key that signs the run (gate.run_sign): a program that read it could sign a forged gate dir
SIGNING_VARIABLES = ("GATE_SIGNING_KEY", "GATE_SIGNING_KEY_PEM")


def program_environ() -> dict[str, str]:
    """The environment a recording worker starts with: the gate's, without what it tells its packs (the
    packs judge a stack while the next one records: a program never sees the packs' settings) and without
    the run's signing key (round 9)."""
    hidden = PACK_VARIABLES + SIGNING_VARIABLES
    return {k: v for k, v in os.environ.items() if k not in hidden}


# the organization every offline run is in: the program, its record and the packs (the CLI's default)
ORGANIZATION = "organization"
# round 21: what the installed SDK reads that changes what a program registers or how it runs
# (legacy applies, `str(Output)` raising, resource references, dependency cycles, spans exported over the
# network); the gate records and judges the SDK's defaults, as every later run of the stack cache assumes
SDK_SWITCHES = ("PULUMI_ENABLE_LEGACY_APPLY", "PULUMI_ERROR_OUTPUT_STRING",
                "PULUMI_DISABLE_RESOURCE_REFERENCES", "PULUMI_ERROR_ON_DEPENDENCY_CYCLES",
                "PULUMI_OTEL_EXPORTER_OTLP_ENDPOINT")
# `PULUMI_CONFIG_<KEY>` is config the SDK reads for a key the stack config lacks; these are the CLI's
# (secrets provider) or set by the gate for the program over whatever is inherited
_CONFIG_NAMES = ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_CONFIG_SECRET_KEYS")
# set by the gate for its recording workers, from their request (gate.side_effects reads them): never
# the job's to give
RUN_STARTED = "GATE_RUN_STARTED_NS"   # when the gate run began (time.time_ns())
JUDGED_PATHS = "GATE_JUDGED_PATHS"    # the records, packs and pack config the gate judges by (os.pathsep)
RUN_OUT = "GATE_RUN_OUT"              # the gate's output directory, where the run keeps its recorded states
RUN_VARIABLES = (RUN_STARTED, JUDGED_PATHS, RUN_OUT)


def refused_variables() -> list[str]:
    """Inherited variables that would make the recording something other than the judged program under the
    SDK's defaults (gate.env_check refuses them, exit 2)."""
    return sorted(n for n in os.environ if n in SDK_SWITCHES or n in RUN_VARIABLES
                  or (n.startswith("PULUMI_CONFIG_") and n not in _CONFIG_NAMES))
