"""What a checkpoint says about itself, checked before it is judged: pending operations, provider
references (to a live provider of the resource's own package), parents (written before their children),
resources that claim not to be custom, resources pending deletion.

A state the gate judges must say what exists. Pulumi never writes a live resource whose provider
reference names no live provider of that URN and id, and an interrupted update leaves
`pending_operations` whose resources may exist in the cloud while no resource entry shows them; a
resource of a provider's type that claims `custom: false` would be judged as a component (no location,
no provider). Each is bad input (exit 2) naming the resource and saying how to get a judgeable state.
"""

from __future__ import annotations

import re
from typing import Any

from gate.errors import GateError

PROVIDER_TYPE = "pulumi:providers:"
# schema-generated provider resource tokens: <package>:<module>/<file>:<Name> (aws:s3/bucket:Bucket)
_PROVIDER_FORM = re.compile(r"[^:/]+:[^:/]+/[^:]+:[^:]+")


def validate_references(deployment: dict[str, Any], resources: list[dict[str, Any]], source: str) -> None:
    """GateError for pending operations, dangling or stale provider references and posing components."""
    _pending(deployment.get("pending_operations"), source)
    _pending_deletes(resources, source)
    _parents(resources, source)
    live = {r["urn"]: r for r in resources if not r.get("delete")}
    parents = {r.get("parent") for r in resources}
    packages = {r["type"][len(PROVIDER_TYPE):] for r in live.values() if r["type"].startswith(PROVIDER_TYPE)}
    for urn, r in live.items():
        where = f"{source}: {urn}"
        ref = r.get("provider")
        if ref:
            _provider(ref, live, where, r)
        if not r.get("custom"):
            _component(r, urn in parents, packages, where)


def _pending(ops: Any, source: str) -> None:
    if not ops:
        return
    if not isinstance(ops, list):
        raise GateError(f"{source}: deployment.pending_operations: expected a list")
    first = ops[0] if isinstance(ops[0], dict) else {}
    res = first.get("resource") if isinstance(first.get("resource"), dict) else {}
    raise GateError(
        f"{source}: deployment.pending_operations: {len(ops)} operation(s) of an interrupted update "
        f"({first.get('type', '?')} {str(res.get('urn', '?'))[:200]}): what exists in the cloud is not in "
        "the resources; resolve them (`pulumi refresh`, or `pulumi cancel` then `pulumi up`) and export "
        "again")


def _pending_deletes(resources: list[dict[str, Any]], source: str) -> None:
    """A `delete: true` entry other than a provider is a resource an update failed to delete: it still
    exists in the cloud (with its data) but is no live resource the packs judge."""
    for r in resources:
        if r.get("delete") and not r["type"].startswith(PROVIDER_TYPE):
            raise GateError(f"{source}: {r['urn']}: delete: the resource is pending deletion (an update "
                            "failed to delete it), so it still exists in the cloud but would not be judged; "
                            "finish the update (`pulumi up`, or `pulumi refresh`) and export again")


def _parents(resources: list[dict[str, Any]], source: str) -> None:
    """The engine writes a parent before its children (its own integrity check, `snapshot.VerifyIntegrity`,
    refuses anything else): a parent later in the list, missing, or in a cycle is a hand-edited ancestry
    that what walks parents (inherited locations, components, source chains) would follow (round 27)."""
    seen: set[str] = set()
    for r in resources:
        parent = r.get("parent")
        if parent and parent not in seen:
            raise GateError(f"{source}: {r['urn']}: parent: {parent[:300]!r} names no resource before it in "
                            "the state (the engine writes a parent first; a later, missing or cyclic parent "
                            "is no ancestry it records); export the stack again (`pulumi stack export`)")
        seen.add(r["urn"])


def _provider(ref: str, live: dict[str, dict[str, Any]], where: str, r: dict[str, Any]) -> None:
    purn, sep, pid = ref.rpartition("::")
    target = live.get(purn) if sep else None
    if target is None or not target["type"].startswith(PROVIDER_TYPE):
        raise GateError(f"{where}: provider: {ref[:300]!r} names no live provider resource of this state, "
                        "so where the resource is cannot be known; export the stack whole (`pulumi stack "
                        "export`), with its providers")
    if target.get("id") != pid:
        raise GateError(f"{where}: provider: {ref[:300]!r} names provider id {pid!r}, but the live provider "
                        f"of that URN has id {target.get('id')!r} (a replaced or pending-delete provider); "
                        "run `pulumi refresh` and export again")
    package = r["type"].split(":", 1)[0]
    if r.get("custom") and target["type"] != PROVIDER_TYPE + package:
        raise GateError(f"{where}: provider: a {package!r} resource served by {target['type']!r}: a provider "
                        "serves only its own package's types, so the entry's type or provider is not what "
                        "the engine records; export the stack again (`pulumi stack export`)")


def _component(r: dict[str, Any], has_children: bool, packages: set[str], where: str) -> None:
    typ = r["type"]
    package = typ.split(":", 1)[0]
    posing = (typ.startswith(PROVIDER_TYPE) or _PROVIDER_FORM.fullmatch(typ) is not None or r.get("id")
              or (package in packages and not has_children))
    if posing:
        raise GateError(f"{where}: custom: the resource claims not to be custom (a component) but its type "
                        f"{typ!r} is a provider's resource type (or it has an id, or no children), so "
                        "it would be judged without a location; a component has children and a type "
                        "of its own (<package>:index:<Name>)")
