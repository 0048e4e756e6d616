"""Global and edge services copy data to points of presence worldwide (DPA art. 12, CLOUD "Servers").

Two ways in: a type of class `edge` (CloudFront, global tables, ...), or a regional type whose input makes it
part of a global construct or serves it through edge locations: joining a global database or datastore by
its identifier, S3 transfer acceleration switched on through the bucket itself, an API Gateway REST API or
custom domain that is edge-optimized (the default when `endpointConfiguration` is left out), an Azure
load balancer, public IP or prefix of the Global (cross-region) tier, a Static Web App with its
enterprise-grade edge (`enterpriseGradeCdnStatus`) switched on.
"""

from __future__ import annotations

from typing import Any

from policies.core.rule import Rule, RuleContext
from policies.core.types import class_of, tokens_of_class
from policies.core.view import ResourceView, is_unknown

_JOINS = "joins a global construct, which replicates the data to other regions; leave it unset"
_EDGE = "serves the resource through edge locations worldwide; use a regional setting (REGIONAL, Suspended)"
# A cross-region load balancer and its Global-tier public IPs and prefixes: one anycast address announced from
# Microsoft's edge, traffic taken in at the participating region nearest the client (like Global Accelerator).
_ANYCAST = "makes an anycast frontend taking traffic in at regions worldwide; use the Regional tier"
_AFD = "serves the site through Azure Front Door's edge locations worldwide; leave it Disabled"
_GLOBAL_TIER = (("sku.tier", frozenset({"GLOBAL"}), None, _ANYCAST),)
# type -> (input path, values that make it edge (None: any non-empty value), default when absent, why)
EDGE_SETTINGS: dict[str, tuple[tuple[str, frozenset[str] | None, str | None, str], ...]] = {
    "aws:rds/cluster:Cluster": (("globalClusterIdentifier", None, None, _JOINS),),
    "aws:docdb/cluster:Cluster": (("globalClusterIdentifier", None, None, _JOINS),),
    "aws:neptune/cluster:Cluster": (("globalClusterIdentifier", None, None, _JOINS),),
    "aws:elasticache/replicationGroup:ReplicationGroup": (("globalReplicationGroupId", None, None, _JOINS),),
    "aws:memorydb/cluster:Cluster": (("multiRegionClusterName", None, None, _JOINS),),
    "aws:s3/bucket:Bucket": (("accelerationStatus", frozenset({"ENABLED"}), None, _EDGE),),
    "aws:apigateway/restApi:RestApi": (("endpointConfiguration.types", frozenset({"EDGE"}), "EDGE", _EDGE),),
    "aws:apigateway/domainName:DomainName": (
        ("endpointConfiguration.types", frozenset({"EDGE"}), "EDGE", _EDGE),
    ),
    # a Static Web App's enterprise-grade edge: served and cached by Azure Front Door's points of presence
    "azure-native:web:StaticSite": (
        ("enterpriseGradeCdnStatus", frozenset({"ENABLED", "ENABLING"}), None, _AFD),
    ),
    "azure-native:network:LoadBalancer": _GLOBAL_TIER,
    "azure-native:network:PublicIPAddress": _GLOBAL_TIER,
    "azure-native:network:PublicIPPrefix": _GLOBAL_TIER,
}


def _edge_settings(view: ResourceView) -> list[str]:
    out: list[str] = []
    for path, values, default, why in EDGE_SETTINGS.get(view.type, ()):
        v: Any = view.get(path)
        if is_unknown(v):
            out.append(f"`{path}` is unknown during preview; it decides whether the resource is edge")
            continue
        if v in (None, "", []):
            v = default
        if v is None:
            continue
        items = [str(x).upper() for x in (v if isinstance(v, list) else [v])]
        if values is None or any(x in values for x in items):
            out.append(f"`{path}` = {v!r} {why}")
    return out


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    if not view.custom:
        return []
    if class_of(view.type) != "edge":
        return _edge_settings(view)
    return [f"{view.type} is a global or edge service: it serves or replicates data outside one EEA region"]


RULE = Rule(
    id="disallow-global-edge-services",
    title="No global or edge service (CDN, global front door, accelerator, global replication) is deployed.",
    severity="high",
    remediation="Serve from a regional EEA endpoint (e.g. an EEA load balancer or an application gateway "
    "behind the regional WAF, a REGIONAL API endpoint); do not join global databases; residency findings "
    "cannot be waived (DPA art. 12).",
    controls=("LOC-02",),
    check=check,
    module=__name__,
    resource_types=tokens_of_class("edge") | frozenset(EDGE_SETTINGS),  # the fast path: only these types
    waivable=False,
)
