"""DOSIS status data obtained by the e-loket is never stored there, not in a database nor a cache; only the
MAGDA result is cached transiently (D36 §108-§109)."""

from __future__ import annotations

from policies.core.helpers import tags_of
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
_CACHES = (
    "aws:elasticache/cluster:Cluster",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/serverlessCache:ServerlessCache",
)


def check(view: ResourceView, ctx: RuleContext) -> list[str]:
    tags, problem = tags_of(view)
    if problem:
        return [problem]
    tags = tags or {}
    out = []
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
    resource_types=PORTAL_STORES,
)
