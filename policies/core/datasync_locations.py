"""DataSync SMB locations' share passwords (round 50): the password of the user who mounts the share is an
input DataSync requires and never returns, so it sits in the program and the state unless the program feeds
it, as a secret, from a secret store of the stack (a Secrets Manager secret, judged as a store)."""

from __future__ import annotations

from policies.core.references import REDACTED
from policies.core.view import StackGraph, is_unknown

SMB = "aws:datasync/locationSmb:LocationSmb"
CONTROLS = frozenset({SMB})
# Where a program keeps a password it feeds to a location: the secret's value, read back as a secret output.
SECRET_STORES = frozenset({"aws:secretsmanager/secretVersion:SecretVersion"})


def clear_passwords(graph: StackGraph) -> list[tuple[str, str]]:
    """(urn, message) for each SMB location whose password is not fed, as a secret, from a secret store of
    the stack: a literal, a config value or a `random` password is held by whoever reads the program or
    the state, with no second factor of their own."""
    out = []
    for r in graph.by_type(SMB):
        value = r.input("password")
        fed = [d for u in r.property_dependencies.get("password", ()) if (d := graph.get(u)) is not None]
        stored = any(d.type in SECRET_STORES for d in fed)
        if stored and (value == REDACTED or is_unknown(value)):
            continue
        out.append(
            (
                r.urn,
                "`password` (the share user's password) is not fed from a secret store of this stack: it "
                "sits in the program and the state, and whoever reads either mounts the share DataSync "
                "copies from, with no second factor of their own; keep it in a Secrets Manager secret of "
                "this stack (`aws:secretsmanager/SecretVersion`) and feed its `secretString`, a secret, "
                "into `password`",
            )
        )
    return out
