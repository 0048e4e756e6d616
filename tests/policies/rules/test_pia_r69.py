"""Round-69 classes (docs/pia-conditions.md, round 69). An API Management backend's web proxy (`proxy.url`)
and the targets of an Application Gateway's and a classic Front Door's redirects were read nowhere: every call
could pass another party's proxy, and the users' browsers could be sent with their uploads to another party's
host. And the offline engine held the `pulumi import` id of only some of the Azure types the project's stacks
create: the others (private endpoints, workspaces, gateways, …) got an id the engine made up. Each test fails
on the code before the round (the commit of its cases)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gate.azure_import_ids import IMPORT_IDS
from gate.recording import record_program
from ruletest import case, only, run

PUBLIC = "disallow-public-data-access"
PROJECT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("stem, name, where, fragment, ok", [
    ("r69p-10", "backend", "proxy.url", "'http://proxy.partner.example:8080'", "r69p-60"),
    ("r69p-11", "backend", "proxy.url", "a private address in no subnet or virtual network of this stack",
     "r69p-60"),
    ("r69p-12", "agw", "redirectConfigurations[0].targetUrl", "'https://uploads.partner.example/in'",
     "r69p-61"),
    ("r69p-13", "fd", "routingRules[0].routeConfiguration.customHost", "'uploads.partner.example'",
     "r69p-62"),
])
def test_proxies_and_redirect_targets_are_read_as_where_requests_go(stem, name, where, fragment, ok):
    """Another party's host or an address outside the stack's networks blocks; the same field naming a
    resource or network of the stack (or, for a redirect, the incoming host) passes."""
    found = run(PUBLIC, case(stem))
    only(found, name, f"`{where}`")
    assert fragment in found[0][1]
    assert run(PUBLIC, case(ok)) == []


def _pattern(template: str) -> re.Pattern[str]:
    """An import id as a pattern: each `{…}` one id segment or, for a scope, several."""
    scopes = ("{scope}", "{scopeId}", "{resourceUri}")
    parts = re.split(r"(\{\w+\})", template)
    return re.compile("".join(
        (".+" if p in scopes else "[^/]+") if p.startswith("{") else re.escape(p)
        for p in parts), re.IGNORECASE)


@pytest.mark.parametrize("stack", ["dosis-prod", "portal-prod", "interconnect-prod"])
def test_every_azure_resource_the_stacks_create_is_recorded_at_its_import_id(stack):
    """Closed world for the project's own programs: each azure-native type a stack creates has its `pulumi
    import` id in `gate.azure_import_ids`, and the engine records each resource in that shape."""
    graph = record_program(PROJECT, stack)
    azure = [r for r in graph.resources if r.type.startswith("azure-native:")]
    missing = sorted({r.type for r in azure} - set(IMPORT_IDS))
    assert missing == [], "add their `pulumi import` ids to scripts/gate/azure_import_ids.py"
    wrong = [(r.type, r.outputs.get("id")) for r in azure
             if not _pattern(IMPORT_IDS[r.type]).fullmatch(str(r.outputs.get("id")))]
    assert wrong == []
