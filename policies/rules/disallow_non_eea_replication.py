"""Data must not leave through secondary locations: replicas, backup copies, failover partners,
geo-redundancy, log and diagnostic sinks, peerings, or anything referenced by ARN / resource id
(DPA art. 12, CLOUD "Servers").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy.proxy import _DictProxy, _ListProxy

from policies.core.location import (
    ALLOWED_REGIONS_SCHEMA,
    Target,
    allowed,
    effective_location,
    region_verdict,
    resolve_target,
)
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, StackGraph, is_unknown

_DIAGNOSTIC_TARGETS = (
    ("workspaceId", "azure-id"),
    ("storageAccountId", "azure-id"),
    ("eventHubAuthorizationRuleId", "azure-id"),
)
# type -> (input path with [] for "every element", kind)
TARGETS: dict[str, tuple[tuple[str, str], ...]] = {
    "aws:dynamodb/table:Table": (("replicas[].regionName", "region"),),
    "aws:secretsmanager/secret:Secret": (("replicas[].region", "region"),),
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": (("rules[].destination.bucket", "arn"),),
    "aws:ecr/replicationConfiguration:ReplicationConfiguration": (
        ("replicationConfiguration.rules[].destinations[].region", "region"),
    ),
    "aws:backup/plan:Plan": (("rules[].copyActions[].destinationVaultArn", "arn"),),
    "aws:rds/instance:Instance": (("replicateSourceDb", "arn-or-local"),),
    "aws:cloudtrail/trail:Trail": (("s3BucketName", "bucket"),),
    "aws:cfg/deliveryChannel:DeliveryChannel": (("s3BucketName", "bucket"),),
    "aws:s3/bucketLogging:BucketLogging": (("targetBucket", "bucket"),),
    "aws:s3/bucketLoggingV2:BucketLoggingV2": (("targetBucket", "bucket"),),
    "aws:lb/loadBalancer:LoadBalancer": (
        ("accessLogs.bucket", "bucket"),
        ("connectionLogs.bucket", "bucket"),
    ),
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": (("peerRegion", "region"),),
    "azure-native:storage:StorageAccount": (("sku.name", "azure-geo-sku"),),
    "azure-native:sql:Database": (
        ("requestedBackupStorageRedundancy", "azure-geo-backup"),
        ("sourceDatabaseId", "azure-id"),
    ),
    "azure-native:sql:FailoverGroup": (("partnerServers[].id", "azure-id"),),
    "azure-native:documentdb:DatabaseAccount": (("locations[].locationName", "region"),),
    "azure-native:network:VirtualNetworkPeering": (("remoteVirtualNetwork.id", "azure-id"),),
    "azure-native:insights:DiagnosticSetting": _DIAGNOSTIC_TARGETS,
    "azure-native:monitor:DiagnosticSetting": _DIAGNOSTIC_TARGETS,
    "azure-native:aadiam:DiagnosticSetting": _DIAGNOSTIC_TARGETS,
    "azure-native:monitor:SubscriptionDiagnosticSetting": _DIAGNOSTIC_TARGETS,
    "azure-native:insights:SubscriptionDiagnosticSetting": _DIAGNOSTIC_TARGETS,
    "azure-native:cache:LinkedServer": (("linkedRedisCacheLocation", "region"),),
    "azure-native:recoveryservices:Vault": (
        ("properties.redundancySettings.standardTierStorageRedundancy", "azure-geo-sku"),
    ),
    "azure-native:dataprotection:BackupVault": (("properties.storageSettings[].type", "azure-geo-sku"),),
}
_SCALAR_SKIP = (bool, int, float, type(None))
# Top-level fields that name the resource itself (recorded outputs), not a place its data goes.
_NOT_TARGETS = frozenset({"tags", "tagsAll", "arn", "id", "urn"})
_GEO_SKUS = ("GRS", "RAGRS", "GZRS", "RAGZRS", "GEO", "GEOZONE", "GEOREDUNDANT")


def _walk(data: Any, parts: list[str], prefix: str) -> Iterator[tuple[str, Any]]:
    if not parts:
        yield prefix, data
        return
    head, rest = parts[0], parts[1:]
    many = head.endswith("[]")
    key = head[:-2] if many else head
    if is_unknown(data):
        yield prefix or key, data
        return
    if not isinstance(data, dict) or data.get(key) is None:
        return
    value = data[key]
    path = f"{prefix}.{key}" if prefix else key
    if many:
        if is_unknown(value):
            yield path, value
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from _walk(item, rest, f"{path}.{i}")
    else:
        yield from _walk(value, rest, path)


def _is_geo(kind: str, value: Any) -> bool:
    if kind not in ("azure-geo-sku", "azure-geo-backup") or is_unknown(value):
        return True
    token = str(value).upper().replace("STANDARD_", "").replace("PREMIUM_", "").replace("_", "")
    return token in _GEO_SKUS


def _arns(data: Any, prefix: str) -> Iterator[tuple[str, str]]:
    """Every ARN-shaped string in the inputs (not inside JSON documents); walks pulumi_policy's proxies in
    place (no unwrapping: this runs on every AWS resource)."""
    t = type(data)
    if t is str:
        if data.startswith("arn:"):
            yield prefix, data
        return
    if t is _DictProxy:
        data, t = data._DictProxy__target, dict
    elif t is _ListProxy:
        data, t = data._ListProxy__target, list
    if t is dict:
        for k, v in data.items():
            if type(v) in _SCALAR_SKIP or (not prefix and k in _NOT_TARGETS):
                continue
            yield from _arns(v, f"{prefix}.{k}" if prefix else k)
    elif t is list:
        for i, v in enumerate(data):
            yield from _arns(v, f"{prefix}.{i}")


def targets(view: ResourceView) -> list[Target]:
    """The secondary locations a resource names."""
    found: list[Target] = []
    seen: set[str] = set()
    for path, kind in TARGETS.get(view.type, ()):
        for field, value in _walk(view.inputs, path.split("."), ""):
            how = kind
            if kind == "arn-or-local":
                if is_unknown(value) or not str(value).startswith("arn:"):
                    continue  # a same-region replica named by id; its own location is judged
                how = "arn"
            if _is_geo(how, value):
                found.append(Target(field, value, how))
                seen.add(field)
    if view.cloud == "aws":
        for field, arn in _arns(view.raw if "_inputs" not in view.__dict__ else view.inputs, ""):
            if field not in seen:
                found.append(Target(field, arn, "arn"))
    return found


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    ok = allowed(ctx)
    out: list[tuple[str, str]] = []
    for r in graph.resources:
        if r.cloud not in ("aws", "azure"):
            continue
        ts = targets(r)
        if not ts:
            continue
        home = effective_location(r, graph)
        for t in ts:
            cloud, region, problem = resolve_target(t, r, graph, home)
            if problem:
                out.append((r.urn, problem))
            elif region is not None:
                msg = region_verdict(cloud, region, f"`{t.field}` (data copied or sent there)", ok)
                if msg:
                    out.append((r.urn, msg))
    return out


RULE = Rule(
    id="disallow-non-eea-replication",
    title="Replicas, backup copies, failover partners, log sinks and peerings stay in allowed EEA regions.",
    severity="critical",
    remediation="Point the replica/copy/sink at a resource in an allowed EEA region of this stack (or one "
    "whose "
    "location a referenced stack exports); make the target known at preview.",
    controls=("LOC-02", "LOC-01", "LOC-03"),
    check=check,
    module=__name__,
    scope="stack",
    config_schema=ALLOWED_REGIONS_SCHEMA,
    waivable=False,  # residency is a contract term (DPA art. 12): no waiver can lift it
)
