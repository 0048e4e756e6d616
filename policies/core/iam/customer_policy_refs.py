"""Customer-managed policies a permission set names by reference (round 40). Identity Center attaches, in each
account it provisions, the IAM policy with that name *and path* (`customerManagedPolicyReference.path`, "/"
when absent). A policy of the stack counts only when both match: a "dba" at "/ops/" is not the stack's "dba"
at "/", but a policy made outside the program, whose functions cannot be judged."""

from __future__ import annotations

from typing import Any

from policies.core.view import ResourceView, StackGraph, is_unknown

POLICY = "aws:iam/policy:Policy"


def _path(value: Any) -> str | None:
    """The path as IAM keeps it ("/" when absent); None when unknown."""
    if value is None or value == "":
        return "/"
    return value if isinstance(value, str) and not is_unknown(value) else None


def referenced_policy(graph: StackGraph, ref: Any) -> tuple[ResourceView | None, str | None]:
    """(the stack's policy a reference names, or None with why it cannot be judged)."""
    name = ref.get("name") if isinstance(ref, dict) else None
    path = _path(ref.get("path")) if isinstance(ref, dict) else None
    if not isinstance(name, str) or is_unknown(name) or path is None:
        why = "has an unknown name or path, so its functions cannot be judged"
        return None, f"customer-managed policy reference {ref!r} {why}"
    for p in graph.by_type(POLICY):
        if p.input("name") == name and _path(p.input("path")) == path:
            return p, None
    return None, (
        f"customer-managed policy {name!r} is not in this stack at path {path!r} (a policy of the stack must "
        "match both name and path), so its functions cannot be judged"
    )
