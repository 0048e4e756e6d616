"""Round 95: a KMS key of the stack created disabled (`isEnabled` false; an imported key's `enabled` false)
encrypts and decrypts nothing: a trail under it writes no log file, a log group under it takes no event (so
no metric filter or alarm on it fires), a topic under it publishes no alarm. A key reached through an alias
of the stack counts as the key; an unknown switch cannot be judged to be on."""

from __future__ import annotations

from policies.core.pia_key_material import STACK_KEYS
from policies.core.view import ResourceView, StackGraph, is_unknown

_ALIAS = "aws:kms/alias:Alias"
_SWITCHES = ("isEnabled", "enabled")


def disabled_key(graph: StackGraph, r: ResourceView, field: str) -> str | None:
    """The name of the stack's key that `field` of `r` is fed from when that key is off (or its switch is
    unknown at preview); None when every such key is on or the field names no key of the stack."""
    deps = list(graph.dependency_of(r, field))
    for a in [d for d in deps if d.type == _ALIAS]:
        deps.extend(graph.dependency_of(a, "targetKeyId"))
    for key in deps:
        if key.type not in STACK_KEYS:
            continue
        for switch in _SWITCHES:
            value = key.input(switch)
            if value is False or is_unknown(value):
                return key.name
    return None
