"""Chaos Studio faults that change who can reach the stack's hosts (round 56). The network security group
fault (`urn:csci:microsoft:networkSecurityGroup:securityRule/1.0`) adds a security rule to the targeted groups
for the experiment's duration: an inbound Allow from the internet on a data port opens the data tier as a
standing rule would, so each such action is judged as an NSG rule (`exposure._nsg_rule`). The installed SDK
types the parameters only as key/value strings; their names and JSON-list values are Chaos Studio's fault
library's. The other faults stop, fail, slow or cut off resources and open nothing, so they are not read."""

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


def _nsg_fault(params: dict[str, Any]) -> str | None:
    """What the fault's rule opens to the internet on a data port, a message when it cannot be read."""
    access, direction = str(params.get("action", "")).lower(), str(params.get("direction", "")).lower()
    if access == "deny" or direction == "outbound":
        return None
    if access != "allow" or direction != "inbound":
        return (
            f"a rule whose action {params.get('action')!r} or direction {params.get('direction')!r} is unread"
        )
    sources = _json_list(params.get("sourceAddresses"))
    ports = _json_list(params.get("destinationPortRanges"))
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
        if hit := _nsg_fault({p["key"]: p["value"] for p in pairs if isinstance(p, dict)}):
            out.append(
                f"the Chaos Studio network security group fault adds, for the experiment's duration, {hit}: "
                "let a fault deny traffic (action Deny) or allow only private sources on data ports"
            )
    return out


PUBLIC_CHECKS = {EXPERIMENT: nsg_faults}
