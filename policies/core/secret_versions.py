"""Secrets Manager secret versions whose value is written in the program (rounds 51 and 52): a plain string
fed by no resource sits in the program (and, but for the write-only field, in the state) whatever the
secret's key; the value must come from a `random` resource, the service's rotation or the stack's secret
configuration, which the gate sees as a secret or an output."""

from __future__ import annotations

from collections.abc import Iterator

from policies.core.references import REDACTED
from policies.core.view import ResourceView, is_unknown

VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
# Where a version takes its value (the SDK): text, base64 binary, and the write-only text, which stays out of
# the state but not out of the program when it is written there.
VALUES = ("secretString", "secretBinary", "secretStringWo")
FIX = (
    "let a `random` password of the program (a secret) or the service's rotation make the value, or feed a "
    "secret of the stack's configuration (a keytab or token the program does not hold) into `secretString`, "
    "`secretBinary` or `secretStringWo` (kept out of the state)"
)
_WRITTEN = "a secret value written in the program, not a secret"
_WRITE_ONLY = "; write-only keeps it out of the state, not out of the program"


def written_values(r: ResourceView) -> Iterator[tuple[str, str]]:
    """(field, why) for each value of the version written in the program, not a secret."""
    for f in written(r, VALUES):
        yield f, _WRITTEN + (_WRITE_ONLY if f.endswith("Wo") else "")


def written(r: ResourceView, fields: tuple[str, ...]) -> Iterator[str]:
    """The fields holding a plain string fed by no resource: written in the program (not a secret, not an
    output of a `random` resource or another of the stack's)."""
    for f in fields:
        value, fed = r.input(f), r.property_dependencies.get(f)
        if isinstance(value, str) and value not in ("", REDACTED) and not is_unknown(value) and not fed:
            yield f
