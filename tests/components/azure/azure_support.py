"""Helpers for the DOSIS component and stack tests: record under the gate mocks, query the graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_azure_native as azure
from gate.recording import Graph, record_callable

from components.common.tags import Tags
from policies.core.eea import DOSIS_FAILOVER, DOSIS_PRIMARY

TAGS = Tags(system="dosis", controller="AIV", pia_reference="PIA-TEST").as_dict()
SUB = "00000000-0000-4000-8000-0000000000aa"
TENANT = "00000000-0000-4000-8000-0000000000bb"
RG = "dosis-test"
SUBNET = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
ZONE = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Network/privateDnsZones/z"
WORKSPACE = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.OperationalInsights/workspaces/w"
REGIONS = {DOSIS_PRIMARY, DOSIS_FAILOVER}


def record(fn: Callable[[pulumi.ResourceOptions], Any], location: str = DOSIS_PRIMARY) -> Graph:
    """Run `fn(opts)` with an explicit provider in `location` and return the recorded graph."""

    def program() -> None:
        provider = azure.Provider("test", location=location)
        fn(pulumi.ResourceOptions(provider=provider))

    return record_callable(program, config={"azure-native:location": location})


def custom(graph: Graph) -> list:
    """The cloud resources (no components, providers or stack)."""
    return [r for r in graph.resources if r.custom and not r.type.startswith("pulumi:")]


def one(graph: Graph, typ: str) -> dict[str, Any]:
    """Inputs of the single resource of `typ`."""
    found = graph.by_type(typ)
    assert len(found) == 1, f"expected one {typ}, got {len(found)}"
    return found[0].inputs


def locked_ids(graph: Graph) -> set[str]:
    """Scopes carrying a CanNotDelete lock."""
    return {
        r.inputs["scope"]
        for r in graph.by_type("azure-native:authorization:ManagementLockByScope")
        if r.inputs.get("level") == "CanNotDelete"
    }


def diagnosed(graph: Graph, workspace_id: str | None = None) -> dict[str, dict]:
    """resourceUri -> diagnostic setting inputs (optionally only those to `workspace_id`)."""
    return {
        r.inputs["resourceUri"]: r.inputs
        for r in graph.by_type("azure-native:monitor:DiagnosticSetting")
        if workspace_id is None or r.inputs.get("workspaceId") == workspace_id
    }


def assert_tagged(graph: Graph) -> None:
    """Every resource whose SDK class takes `tags` carries the four mandatory tags."""
    untagged = [
        r.name
        for r in custom(graph)
        if _taggable(r.type) and not set(TAGS) <= set(r.inputs.get("tags") or {})
    ]
    assert not untagged, f"missing mandatory tags: {untagged}"


def assert_in_regions(graph: Graph, regions: set[str] = REGIONS) -> None:
    """Every located resource lives in the DOSIS regions.

    Exceptions, by type only: private DNS zones and alert plumbing are `global` ARM resources, and Entra
    (azuread) objects are tenant-wide directory objects without a region."""
    wrong = {
        r.name: graph.region(r)
        for r in custom(graph)
        if graph.region(r) not in regions
        and not r.type.startswith("azuread:")
        and not (r.inputs.get("location") == "global" and r.type in GLOBAL)
    }
    assert not wrong, f"resources outside {regions}: {wrong}"


GLOBAL = {
    "azure-native:privatedns:PrivateZone",
    "azure-native:privatedns:VirtualNetworkLink",
    "azure-native:monitor:ActionGroup",
    "azure-native:monitor:ActivityLogAlert",
    "azure-native:monitor:PrivateLinkScope",
}


def _taggable(typ: str) -> bool:
    import importlib
    import inspect

    pkg, mod, cls = typ.split(":")
    if pkg != "azure-native":
        return False
    klass = getattr(importlib.import_module(f"pulumi_azure_native.{mod}"), cls)
    return "tags" in inspect.signature(klass._internal_init).parameters
