"""Chaos Studio faults that change who can reach the stack's hosts (round 56). The network security group
fault (`urn:csci:microsoft:networkSecurityGroup:securityRule/1.0`, also `/1.1`) adds a security rule to the
targeted groups for the experiment's duration: an inbound Allow from the internet on a data port opens the
data tier as a standing rule would, so each such action is judged as an NSG rule (`exposure._nsg_rule`). The
installed SDK types the parameters only as key/value strings; their names are the fault library's (round 59,
checked against Microsoft's "Azure Chaos Studio fault and action library"): its table names the access
`action`, its own sample JSON `access`, and its samples spell keys in more than one case (`RebootType` for
`rebootType`), so both names are read, keys regardless of case, and a key given twice blocks (which one the
service keeps is not stated). `sourceAddresses` is a JSON list, or a bare service tag or `*`. The other faults
stop, fail, slow or cut off resources and open nothing, so they are not read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from policies.core.exposure import _nsg_rule
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

EXPERIMENT = "azure-native:chaos:Experiment"
CONTROLS = (EXPERIMENT,)
_NSG_FAULT = "urn:csci:microsoft:networksecuritygroup:securityrule/"
_HOW = "write the fault's parameters as literals in the program (JSON lists for addresses and ports)"


def _items(value: Any, what: str) -> Iterator[dict[str, Any] | str]:
    """The dicts of a list, or a message when the list (or an item) cannot be read."""
    if is_unknown(value) or not isinstance(value, list):
        yield f"`{what}` cannot be read: {_HOW}"
        return
    for item in value:
        yield item if isinstance(item, dict) else f"an item of `{what}` cannot be read: {_HOW}"


def _actions(r: ResourceView) -> Iterator[dict[str, Any] | str]:
    """Every action of every branch of every step, or a message where the tree cannot be read."""
    for step in _items(r.get("properties.steps"), "properties.steps"):
        if isinstance(step, str):
            yield step
            continue
        for branch in _items(step.get("branches"), "properties.steps[].branches"):
            if isinstance(branch, str):
                yield branch
                continue
            yield from _items(branch.get("actions"), "properties.steps[].branches[].actions")


def _json_list(text: Any) -> list[str] | None:
    """A fault parameter holding a JSON list of strings (`["0.0.0.0/0"]`), None when it is not one."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None


def _addresses(text: Any) -> list[str] | None:
    """`sourceAddresses`: a JSON list, or one bare service tag or `*` (the fault library allows both)."""
    if isinstance(text, str) and text.strip() and not text.lstrip().startswith("["):
        return [text.strip()]
    return _json_list(text)


def _nsg_fault(params: dict[str, Any]) -> str | None:
    """What the fault's rule opens to the internet on a data port, a message when it cannot be read. `params`
    has lower-cased keys; the access is `action` or `access`, and two that differ are unread."""
    accesses = {str(params[k]).lower() for k in ("action", "access") if k in params}
    access = accesses.pop() if len(accesses) == 1 else ""
    direction = str(params.get("direction", "")).lower()
    if access == "deny" or direction == "outbound":
        return None
    if access != "allow" or direction != "inbound":
        shown = params.get("action", params.get("access"))
        return f"a rule whose action {shown!r} or direction {params.get('direction')!r} is unread"
    sources = _addresses(params.get("sourceaddresses"))
    ports = _json_list(params.get("destinationportranges"))
    if sources is None or ports is None:
        return "a rule whose `sourceAddresses` or `destinationPortRanges` is no JSON list of strings"
    rule = {"direction": "Inbound", "access": "Allow", "protocol": str(params.get("protocol", "*"))}
    hit = _nsg_rule({**rule, "sourceAddressPrefixes": sources, "destinationPortRanges": ports})
    return f"a rule letting {hit} in" if hit else None


def nsg_faults(r: ResourceView, graph: StackGraph) -> list[str]:
    """Every network security group fault of the experiment must open no data port to the internet."""
    out: list[str] = []
    for action in _actions(r):
        if isinstance(action, str):
            out.append(action)
            continue
        name = action.get("name")
        if is_unknown(name):
            out.append(unknown_message("properties.steps[].branches[].actions[].name", "the fault injected"))
            continue
        if not str(name).lower().startswith(_NSG_FAULT):
            continue
        pairs = list(_items(action.get("parameters"), "parameters"))
        if any(isinstance(p, str) or is_unknown(p.get("key")) or is_unknown(p.get("value")) for p in pairs):
            out.append(f"the network security group fault's parameters cannot be read: {_HOW}")
            continue
        keys = [str(p["key"]).lower() for p in pairs if isinstance(p, dict)]
        if twice := sorted({k for k in keys if keys.count(k) > 1}):
            out.append(
                f"the network security group fault gives {', '.join(twice)} more than once (keys are read "
                "regardless of case): which value the service keeps is not stated; give each parameter once"
            )
            continue
        if hit := _nsg_fault({str(p["key"]).lower(): p["value"] for p in pairs if isinstance(p, dict)}):
            out.append(
                f"the Chaos Studio network security group fault adds, for the experiment's duration, {hit}: "
                "let a fault deny traffic (action Deny) or allow only private sources on data ports"
            )
    return out


PUBLIC_CHECKS = {EXPERIMENT: nsg_faults}
