"""No public network access to data stores: least privilege, access limited to those who handle the dossier
(R2016; D36 §77-§78; DPA annex 3 a.i)."""

from __future__ import annotations

from typing import Any

from policies.core.helpers import linked
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

_PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
_PAB_FIELDS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _bucket(r: ResourceView, graph: StackGraph) -> list[str]:
    blocks = linked(graph, r, (_PAB,), "bucket")
    if not blocks:
        return ["no BucketPublicAccessBlock for the bucket"]
    for b in blocks:
        off = [f for f in _PAB_FIELDS if b.inputs.get(f) is not True]
        if off:
            return [f"the bucket's public access block leaves {', '.join(off)} off"]
    return []


def _field(field: str, good: tuple[Any, ...], absent_ok: bool = False):
    def judge(r: ResourceView, graph: StackGraph) -> list[str]:
        value = r.get(field)
        if is_unknown(value):
            return [unknown_message(field, "public network access")]
        if value is None and absent_ok:
            return []
        if value not in good:
            return [f"`{field}` is {value!r}; expected {' or '.join(repr(g) for g in good)}"]
        return []

    return judge


def _both(*judges):
    return lambda r, g: [m for j in judges for m in j(r, g)]


CHECKS = {
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:rds/instance:Instance": _field("publiclyAccessible", (False,), absent_ok=True),
    "aws:rds/cluster:Cluster": lambda r, g: [],
    "aws:opensearch/domain:Domain": lambda r, g: (
        [] if r.input("vpcOptions") else ["the domain has no `vpcOptions`: it would get a public endpoint"]
    ),
    "azure-native:storage:StorageAccount": _both(
        _field("publicNetworkAccess", ("Disabled",)), _field("allowBlobPublicAccess", (False,))
    ),
    "azure-native:sql:Server": _field("publicNetworkAccess", ("Disabled",)),
    "azure-native:keyvault:Vault": _field("properties.publicNetworkAccess", ("Disabled", "disabled")),
    "azure-native:documentdb:DatabaseAccount": _field("publicNetworkAccess", ("Disabled",)),
    "azure-native:cache:Redis": _field("publicNetworkAccess", ("Disabled",)),
    "azure-native:servicebus:Namespace": _field("publicNetworkAccess", ("Disabled",)),
    "azure-native:eventhub:Namespace": _field("publicNetworkAccess", ("Disabled",)),
}


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for t, judge in CHECKS.items():
        for r in graph.by_type(t):
            out.extend((r.urn, m) for m in judge(r, graph))
    return out


RULE = Rule(
    id="disallow-public-data-access",
    title="No data store is reachable from the public internet.",
    severity="critical",
    remediation="Block public access (S3 public access block, publiclyAccessible false, publicNetworkAccess "
    "Disabled) and reach data stores through private endpoints.",
    controls=("IAM-02", "IAM-06"),
    check=check,
    module=__name__,
    scope="stack",
)
