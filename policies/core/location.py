"""Where a resource and the places its data flows to are: effective location, ARNs, Azure ids.

The allowed set is always the EEA regions of policies/core/eea.py, narrowed by the pack config key
`allowedRegions` (a region listed there that is not EEA is ignored: config can only narrow).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from policies.core.eea import AWS_EEA_REGIONS, AZURE_EEA_REGIONS, normalize_azure_location
from policies.core.parents import find_parents
from policies.core.rule import RuleContext
from policies.core.types import LOCATION_FREE, class_of, is_child, is_provider_type, is_scoped
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

ALLOWED_REGIONS_SCHEMA: dict[str, Any] = {
    "allowedRegions": {
        "type": "array",
        "items": {"type": "string"},
        "description": "Regions (AWS names, Azure names or display names) that resources may use; "
        "narrows the EEA regions, never widens them. Default: every EEA region.",
    },
}

_ARN = re.compile(r"^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):")

# Azure region pairs: where geo-redundant copies (GRS, geo backups) land.
AZURE_PAIRS: dict[str, str] = {
    "westeurope": "northeurope",
    "northeurope": "westeurope",
    "francecentral": "francesouth",
    "francesouth": "francecentral",
    "germanywestcentral": "germanynorth",
    "germanynorth": "germanywestcentral",
    "swedencentral": "swedensouth",
    "swedensouth": "swedencentral",
    "norwayeast": "norwaywest",
    "norwaywest": "norwayeast",
    "uksouth": "ukwest",
    "ukwest": "uksouth",
    "switzerlandnorth": "switzerlandwest",
    "switzerlandwest": "switzerlandnorth",
    "eastus": "westus",
    "westus": "eastus",
    "eastus2": "centralus",
    "centralus": "eastus2",
}

# Azure types that have no location of their own (they live in or act on another resource).
AZURE_LOCATIONLESS_PREFIXES: tuple[str, ...] = (
    "azure-native:authorization:",
    "azure-native:insights:DiagnosticSetting",
    "azure-native:monitor:DiagnosticSetting",
    "azure-native:securityinsights:",
    "azure-native:keyvault:Secret",
    "azure-native:keyvault:AccessPolicy",
)


@dataclass(frozen=True)
class Allowed:
    """The allowed regions per cloud."""

    aws: frozenset[str]
    azure: frozenset[str]

    def permits(self, cloud: str, region: str) -> bool:
        if cloud == "aws":
            return region in self.aws
        if cloud == "azure":
            return normalize_azure_location(region) in self.azure
        return False

    def describe(self, cloud: str) -> str:
        return ", ".join(sorted(self.aws if cloud == "aws" else self.azure))


@functools.lru_cache(maxsize=64)
def _allowed(regions: tuple[str, ...] | None) -> Allowed:
    if regions is None:
        return Allowed(AWS_EEA_REGIONS, AZURE_EEA_REGIONS)
    aws = frozenset(r for r in regions if r in AWS_EEA_REGIONS)
    azure = frozenset(normalize_azure_location(r) for r in regions) & AZURE_EEA_REGIONS
    return Allowed(aws, azure)


def allowed(ctx: RuleContext) -> Allowed:
    """The allowed regions from the policy config (`allowedRegions`), narrowed to the EEA (once per context:
    the adapter reuses one context across the resources of an evaluation)."""
    memo = ctx.__dict__.get("_allowed")
    if memo is not None:
        return memo
    regions = ctx.config.get("allowedRegions")
    ok = _allowed(tuple(str(r) for r in regions)) if isinstance(regions, list | tuple) else _allowed(None)
    ctx.__dict__["_allowed"] = ok
    return ok


def region_verdict(cloud: str, region: str, what: str, ok: Allowed) -> str | None:
    """None when allowed, else the message (EEA vs. merely not allowed by config)."""
    if ok.permits(cloud, region):
        return None
    eea = AWS_EEA_REGIONS if cloud == "aws" else AZURE_EEA_REGIONS
    norm = region if cloud == "aws" else normalize_azure_location(region)
    if norm not in eea:
        return f"{what} is in {region!r}, which is outside the EEA"
    return f"{what} is in {region!r}, which is not an allowed region (allowed: {ok.describe(cloud)})"


@dataclass(frozen=True, slots=True)   # 40 bytes less each: 12k alive at 10k resources
class Location:
    """An effective location: the region, or why it cannot be known (problem), or None (not applicable)."""

    cloud: str
    region: str | None = None
    source: str = ""
    problem: str | None = None


def _needs_location(view: ResourceView) -> bool:
    """Custom AWS/Azure resources of a regional class (or of no known class: judged all the same)."""
    t = view.type
    if not view.custom or is_provider_type(t) or view.cloud not in ("aws", "azure"):
        return False
    return class_of(t) not in LOCATION_FREE


_NOT_YET = object()


def effective_location(view: ResourceView, graph: StackGraph | None = None) -> Location | None:
    """The location a resource's data lives in (None: the resource has no location of its own).

    Computed once per view and graph: several rules ask. Without a graph it depends on the inputs, type and
    provider only (the view's shared memo); over a graph also on the view's dependencies (kept by the graph).
    """
    if graph is None:
        memo = view.memo
        loc = memo.get("_location", _NOT_YET)
        if loc is _NOT_YET:
            loc = memo["_location"] = _effective_location(view, None)
        return loc  # type: ignore[return-value]
    known = graph.once("locations", dict)
    hit = known.get(id(view))
    if hit is not None and hit[0] is view:
        return hit[1]
    loc = _effective_location(view, graph)
    known[id(view)] = (view, loc)
    return loc


def _own_place(view: ResourceView) -> Location | None:
    """A type without a region of its own that is put in one all the same (an action group in `eastus`
    processes its notifications there): that region is judged; `global` (or no value) is no place."""
    t = view.type
    if not view.custom or is_provider_type(t) or view.cloud not in ("aws", "azure"):
        return None
    key = "region" if view.cloud == "aws" else "location"
    own = view.input(key)
    if own is None or (isinstance(own, str) and own.strip().lower() in ("", "global")):
        return None
    if is_unknown(own):
        return Location(view.cloud, problem=unknown_message(key, "the resource's region"))
    return Location(view.cloud, str(own), f"input `{key}`")


def _effective_location(view: ResourceView, graph: StackGraph | None) -> Location | None:
    if not _needs_location(view):
        return _own_place(view)
    off_site = _off_site(view)
    if off_site is not None:
        return off_site
    if view.cloud == "aws":
        return _aws_location(view)
    return _azure_location(view, graph)


# Inputs that put a resource at a site other than its region: an Azure edge zone / Arc custom location, an
# AWS Outpost (hardware at a customer site). The region says nothing about where that site is.
_OFF_SITE = {"azure": ("extendedLocation",), "aws": ("outpostArn",)}


def _off_site(view: ResourceView) -> Location | None:
    for key in _OFF_SITE.get(view.cloud, ()):
        value = view.input(key)
        if value is None or value == "" or value == {}:
            continue
        if is_unknown(value):
            return Location(view.cloud, problem=unknown_message(key, "the site the resource runs at"))
        where = value.get("name") if isinstance(value, dict) else value
        return Location(
            view.cloud,
            problem=f"`{key}` places the resource at {where!r}, a site outside its region that the pack "
            f"cannot place in the EEA; remove `{key}` (deploy in an allowed region)",
        )
    return None


# Regional types that Azure requires to be `global` for a control-plane use: an Event Grid system topic of
# subscription or resource-group events (ARM management events, no data of the resources).
GLOBAL_WHEN: dict[str, tuple[str, frozenset[str]]] = {
    "azure-native:eventgrid:SystemTopic": (
        "topicType",
        frozenset({"microsoft.resources.subscriptions", "microsoft.resources.resourcegroups"}),
    ),
}


# Types Azure requires to be `global` that keep data at rest in the geography of their `dataLocation` (judged
# as a region field: policies/core/geo.py DATA_GEOGRAPHIES).
PLACED_BY_DATA_LOCATION = frozenset(
    {"azure-native:communication:CommunicationService", "azure-native:communication:EmailService"}
)


# Types Azure requires to be `global` whose data lives in their parent of PLACED_BY_DATA_LOCATION (an email
# domain of an Email service): placed by that parent, which must be a resource of this stack.
GLOBAL_IN_PARENT = frozenset({"azure-native:communication:Domain"})


def _global_by_setting(view: ResourceView) -> bool:
    if view.type in PLACED_BY_DATA_LOCATION:
        return view.input("dataLocation") is not None
    rule = GLOBAL_WHEN.get(view.type)
    if rule is None:
        return False
    value = view.input(rule[0])
    return isinstance(value, str) and value.lower() in rule[1]


def _aws_location(view: ResourceView) -> Location:
    own = view.input("region")
    if own is not None:
        if is_unknown(own):
            return Location("aws", problem=unknown_message("region", "the resource's region"))
        return Location("aws", str(own), "input `region`")
    if view.provider is not None:
        reg = view.provider.inputs.get("region")
        if is_unknown(reg):
            return Location("aws", problem=unknown_message("provider.region", "the resource's region"))
        if isinstance(reg, str) and reg:
            return Location("aws", reg, f"provider {view.provider.name or view.provider.urn} `region`")
    return Location(
        "aws",
        problem="the region cannot be determined: no `region` input and no provider "
        "region "
        "(set aws:region in the stack config or an explicit provider)",
    )


def _azure_location(view: ResourceView, graph: StackGraph | None) -> Location:
    own = view.input("location")
    global_child = view.type in GLOBAL_IN_PARENT and isinstance(own, str) and own.lower() == "global"
    if is_child(view.type) or global_child:  # it lives in its parent, never at the provider's default
        # (a `location` the view shows is an output echoing that default, not where the data is)
        return Location("azure", source="parent") if graph is None else _parent_location(view, graph)
    if own is not None:
        if is_unknown(own):
            return Location("azure", problem=unknown_message("location", "the resource's location"))
        if str(own).lower() == "global":
            if class_of(view.type) == "global" or _global_by_setting(view):
                return Location("azure")
            return Location(
                "azure", problem="`location` is 'global': the data of this type is not kept in one EEA region"
            )
        return Location("azure", str(own), "input `location`")
    if is_scoped(view.type):
        return Location("azure")  # no location input: it lives where its scope is (judged as a reference)
    if view.provider is not None:
        loc = view.provider.inputs.get("location")
        if is_unknown(loc):
            return Location("azure", problem=unknown_message("provider.location", "the resource's location"))
        if isinstance(loc, str) and loc:
            return Location("azure", loc, f"provider {view.provider.name or view.provider.urn} `location`")
    rg_name = view.input("resourceGroupName")
    if graph is None and rg_name is not None and not is_unknown(rg_name):
        return Location("azure", source="resource group")  # inherited: judged over the graph
    if rg_name is not None and graph is not None:
        rg = resource_group(view, graph)
        if rg is not None:
            loc = rg.input("location")
            if is_unknown(loc):
                return Location(
                    "azure",
                    problem=unknown_message(
                        f"location of resource group {rg.name}", "the resource's location"
                    ),
                )
            if isinstance(loc, str) and loc:
                return Location("azure", loc, f"resource group {rg.name} `location`")
    if view.type.startswith(AZURE_LOCATIONLESS_PREFIXES):
        return Location("azure")
    if is_unknown(rg_name):
        return Location("azure", problem=unknown_message("resourceGroupName", "the resource's location"))
    return Location(
        "azure",
        problem="the location cannot be determined: no `location` input, no provider "
        "location and no resource group of this stack to inherit it from",
    )


RESOURCE_GROUP = "azure-native:resources:ResourceGroup"


def _parent_location(view: ResourceView, graph: StackGraph) -> Location:
    """Where a child resource is: its parent's location (every parent found must be placeable)."""
    parents, problem = find_parents(view, graph)
    if problem:
        return Location("azure", problem=problem)
    for p in parents:
        loc = effective_location(p, graph)
        if loc is not None and (loc.problem or loc.region):
            if loc.problem:
                return Location("azure", problem=f"its parent {p.name} cannot be placed: {loc.problem}")
            return Location("azure", loc.region, f"parent {p.name} ({loc.source})")
    return Location("azure")  # the parent has no place of its own (a global resource)


def resource_group(view: ResourceView, graph: StackGraph) -> ResourceView | None:
    """The resource group a resource is created in: by property dependency, else by the group's physical
    name (never its logical name: `shared` is not the stack's group `shared` named `shared-weu`)."""
    for dep in graph.dependency_of(view, "resourceGroupName"):
        if dep.type == RESOURCE_GROUP:
            return dep
    name = view.input("resourceGroupName")
    if isinstance(name, str) and not is_unknown(name):
        for r in graph.by_type(RESOURCE_GROUP):
            phys = r.input("resourceGroupName") or r.input("name")
            if isinstance(phys, str) and phys.lower() == name.lower():
                return r
    return None


def arn_region(arn: str) -> tuple[str, str] | None:
    """(service, region) of an ARN; region '' for global services (IAM, S3 bucket ARNs)."""
    m = _ARN.match(arn)
    return (m.group(1), m.group(2)) if m else None
