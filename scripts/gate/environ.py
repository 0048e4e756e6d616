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
