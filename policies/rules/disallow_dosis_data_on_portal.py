"""DOSIS status data obtained by the e-loket is never stored there, not in a database nor a cache; only the
MAGDA result is cached transiently (D36 §108-§109)."""

from __future__ import annotations

import json
from typing import Any

from policies.core.helpers import tags_of
from policies.core.pia_types import PIA_DATA_STORES
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, is_unknown, unknown_message

PORTAL_STORES = frozenset(
    {
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "aws:elasticache/cluster:Cluster",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:elasticache/serverlessCache:ServerlessCache",
        "aws:dynamodb/table:Table",
        "aws:efs/fileSystem:FileSystem",
        "aws:ebs/volume:Volume",
        "aws:opensearch/domain:Domain",
        "aws:docdb/cluster:Cluster",
        "aws:sqs/queue:Queue",
    }
)
# Every other AWS store: one that says it holds DOSIS data blocks too (the hand list above must also say
# `none`; the others are not all tagged by the components yet).
OTHER_STORES = frozenset(t for t in PIA_DATA_STORES if t.startswith("aws:")) - PORTAL_STORES
_CACHES = (
    "aws:elasticache/cluster:Cluster",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/serverlessCache:ServerlessCache",
)


# DOSIS's own off-vendor backup copies (issue 17) may sit in AWS, but never in the portal's account.
OFFVENDOR_COPY = "offvendor-copy"
CONFIG_SCHEMA: dict[str, Any] = {
    "portalAccountIds": {
        "type": "array",
        "items": {"type": "string"},
        "description": "AWS accounts of the e-loket portal: a store tagged `dosis-data: offvendor-copy` must "
        "be pinned (provider allowedAccountIds) to other accounts only.",
    }
}


def _pinned_accounts(view: ResourceView) -> list[str] | None:
    """The accounts the store's provider is pinned to (allowedAccountIds), None when not known."""
    value = view.provider.inputs.get("allowedAccountIds") if view.provider else None
    if isinstance(value, str) and not is_unknown(value):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, list) and value and all(isinstance(a, str) and not is_unknown(a) for a in value):
        return value
    return None


def _offvendor_copy(view: ResourceView, ctx: RuleContext) -> list[str]:
    portal = {str(a) for a in ctx.config.get("portalAccountIds") or ()}
    if not portal:
        return ["`dosis-data: offvendor-copy` needs the policy config portalAccountIds to show that the "
                "store lies outside the portal's account"]
    accounts = _pinned_accounts(view)
    if accounts is None:
        return ["a DOSIS off-vendor copy must use a provider pinned to its backup account "
                "(allowedAccountIds), so that it can be shown to lie outside the portal's account"]
    shared = sorted(portal & set(accounts))
    if shared:
        return [f"a DOSIS off-vendor copy must not live in the portal's account ({shared})"]
    return []


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    tags, problem = tags_of(view)
    if problem:
        return [problem]
    tags = tags or {}
    if tags.get("dosis-data") == OFFVENDOR_COPY and view.type not in _CACHES:
        return _offvendor_copy(view, ctx)
    out = []
    if view.type in OTHER_STORES:
        marker = tags.get("dosis-data")
        if marker is not None and marker != "none":
            out.append(f"a portal store tagged `dosis-data: {marker}` holds DOSIS data (D36 §108-§109)")
        return out
    if tags.get("dosis-data") != "none":
        out.append(f"portal data store must be tagged `dosis-data: none` (found {tags.get('dosis-data')!r})")
    if view.type in _CACHES:
        engine = view.input("engine")
        if is_unknown(engine):
            out.append(unknown_message("engine", "whether the cache persists data"))
        elif view.type != "aws:elasticache/cluster:Cluster" or engine != "memcached":
            out.append(f"the portal cache must be Memcached (transient, no persistence); found {engine!r}")
        if tags.get("data-retention") != "transient":
            out.append("the portal cache must be tagged `data-retention: transient`")
    return out


RULE = Rule(
    id="disallow-dosis-data-on-portal",
    title="Portal data stores hold no DOSIS data and the portal cache is transient Memcached.",
    severity="high",
    remediation="Tag every portal data store `dosis-data: none`; use Memcached tagged `data-retention: "
    "transient` "
    "for the MAGDA cache; never persist DOSIS status on the portal.",
    controls=("SYS-04",),
    check=check,
    module=__name__,
    resource_types=PORTAL_STORES | OTHER_STORES,
    config_schema=CONFIG_SCHEMA,
)
