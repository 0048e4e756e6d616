"""Every store of personal data at 'vertrouwelijk' or above is copied on a schedule to an object store at
another vendor than the one holding the primary data, in the EEA, immutable, under a key the controller
holds, written only over the private link (CLOUD "Servers": "het vormt een groot risico om back-ups enkel
te bewaren bij de leverancier die ook de primaire data bewaart"; DPA art. 12).

The export job runs at the controller (docs/sovereignty.md), so its schedule and destination are declared
in the stack's PIA record, `off_vendor_copies: [{stores, destination, schedule, job}]`; the rule checks
what the graph can show. A destination is a store of this stack (judged here: vendor, EEA region, Object
Lock / blob immutability, controller-held key, private-only writes) or a declared external endpoint (its
region from stacks/records/endpoints.yaml; the store itself is judged in the stack that creates it: every
store tagged `copy-of` is judged like a destination). A source no entry covers, an entry that cannot be
read, a destination that resolves to nothing, or a schedule that is not a cron/rate expression blocks.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from policies.core import yaml_text
from policies.core.eea import is_eea
from policies.core.endpoints import EndpointsError, find, load_endpoints
from policies.core.helpers import linked, needs_cmk, parse_policy, recorded_classification
from policies.core.iam.statements import as_list, conditions
from policies.core.records import records_dir
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, StackGraph, is_unknown
from policies.rules.require_controller_held_keys import CHECKS as KEY_CHECKS

# Every database of the PIA data stores is a source (tests/policies/rules/test_require_off_vendor_backups.py
# checks that each store of a database service is here or in PARTS), plus Azure storage accounts.
SOURCES = (
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:dynamodb/table:Table",
    "aws:docdb/cluster:Cluster",
    "aws:docdb/elasticCluster:ElasticCluster",
    "aws:neptune/cluster:Cluster",
    "aws:redshift/cluster:Cluster",
    "aws:redshiftserverless/namespace:Namespace",
    "aws:keyspaces/table:Table",
    "aws:timestreamwrite/database:Database",
    "aws:qldb/ledger:Ledger",
    "aws:dsql/cluster:Cluster",   # round 59: Aurora DSQL, judged as a store
    "aws:opensearch/domain:Domain",
    "aws:opensearch/serverlessCollection:ServerlessCollection",
    "aws:elasticsearch/domain:Domain",
    "azure-native:sql:Database",
    "azure-native:sql:ManagedInstance",
    "azure-native:dbforpostgresql:Server",
    "azure-native:dbforpostgresql:ServerGroupCluster",
    "azure-native:dbformysql:Server",
    "azure-native:dbformysql:SingleServer",
    "azure-native:cosmosdb:DatabaseAccount",
    "azure-native:cosmosdb:CassandraCluster",  # round 18: Managed Instance for Apache Cassandra
    "azure-native:storage:StorageAccount",
)
# Database-service stores that are not sources of their own: a part of a source (its instances, compute,
# replicas, the server of its databases) or a copy of one (snapshots, replicated backups).
PARTS = {
    "aws:rds/clusterInstance:ClusterInstance": "an instance of its cluster (the cluster is the source)",
    "aws:dynamodb/tableReplica:TableReplica": "a replica of its table (the table is the source)",
    "aws:redshiftserverless/workgroup:Workgroup": "the compute of its namespace (which holds the data)",
    "azure-native:sql:Server": "holds databases, which are the sources",
    "azure-native:cosmosdb:CassandraDataCenter": "a data center of its cluster (the cluster is the source)",
    "aws:rds/snapshot:Snapshot": "a copy",
    "aws:rds/snapshotCopy:SnapshotCopy": "a copy",
    "aws:rds/clusterSnapshot:ClusterSnapshot": "a copy",
    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": "a copy",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": "a copy",
}
STORES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "azure-native:storage:StorageAccount")
OBJECT_LOCK = (
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
)
BUCKET_POLICY = ("aws:s3/bucketPolicy:BucketPolicy",)
ACCESS_LOGGING = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
_SCHEDULE = re.compile(r"^(cron\((\S+ ){5}\S+\)|rate\(\d+ (minute|hour|day)s?\))$")
_ENTRY_KEYS = ("stores", "destination", "schedule", "job")
HOW = ("declare the copy in the stack's PIA record: off_vendor_copies: [{stores: [<type or name>], "
       "destination: <OffVendor store of this stack, or a declared endpoint URL>, schedule: cron(...), job: "
       "<who runs it>}] (docs/sovereignty.md)")


def _entries(stack: str) -> tuple[list[dict[str, Any]], str | None]:
    path = records_dir() / "pia" / f"{stack}.yaml"
    try:
        data = yaml_text.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return [], f"the PIA record {path.name} cannot be read ({type(exc).__name__}); {HOW}"
    entries = data.get("off_vendor_copies") if isinstance(data, dict) else None
    if entries is None:
        return [], None
    ok = isinstance(entries, list) and all(
        isinstance(e, dict) and all(e.get(k) for k in _ENTRY_KEYS) and isinstance(e["stores"], list)
        for e in entries)
    if not ok:
        return [], f"`off_vendor_copies` of the PIA record {path.name} is malformed; {HOW}"
    return entries, None


def _region(store: ResourceView) -> Any:
    if store.cloud == "aws":
        return store.provider.inputs.get("region") if store.provider is not None else None
    return store.input("location")


def _private_writes(graph: StackGraph, store: ResourceView) -> bool:
    if store.cloud == "azure":
        return store.input("publicNetworkAccess") == "Disabled"
    for p in linked(graph, store, BUCKET_POLICY, "bucket"):
        stmts, problem = parse_policy(p, "policy")
        for s in [] if problem else stmts:
            acts = {str(a).lower() for a in as_list(s.get("Action"))}
            cond = conditions(s).get("StringNotEquals", {})
            if s.get("Effect") == "Deny" and acts & {"s3:putobject", "s3:*"} and (
                    cond.get("aws:sourcevpce") or cond.get("aws:sourcevpc")):
                return True
    return False


def _immutable(graph: StackGraph, store: ResourceView) -> bool:
    if store.cloud == "azure":
        return store.get("immutableStorageWithVersioning.enabled") is True
    locks = linked(graph, store, OBJECT_LOCK, "bucket")
    return any(lk.get("rule.defaultRetention.mode") == "COMPLIANCE" for lk in locks)


def judge_store(graph: StackGraph, store: ResourceView, source_cloud: str | None) -> list[str]:
    """Why `store` is not a valid off-vendor copy of data held at `source_cloud` (None: not known here)."""
    out: list[str] = []
    if source_cloud is not None and store.cloud == source_cloud:
        out.append(f"it is at the same vendor ({store.cloud}) as the data it copies")
    region = _region(store)
    if not isinstance(region, str) or is_unknown(region):
        out.append("its region cannot be placed (set the provider region / location)")
    elif not is_eea(store.cloud, region):
        out.append(f"its region {region} is not in the EEA")
    if not _immutable(graph, store):
        out.append("it is not immutable (S3 Object Lock in COMPLIANCE mode / blob version immutability)")
    out.extend(f"key: {m}" for m in KEY_CHECKS[store.type](store, graph))
    if not _private_writes(graph, store):
        out.append("it accepts writes from outside the private link (aws:SourceVpce deny / public network "
                   "access disabled)")
    return out


def _vendor_of(destination: str) -> str | None:
    host = destination.split("://", 1)[-1].split("/", 1)[0].lower()
    if destination.startswith(("s3://", "arn:aws")) or host.endswith(".amazonaws.com"):
        return "aws"
    if host.endswith((".windows.net", ".azure.net")):
        return "azure"
    return None


def _destination(graph: StackGraph, entry: dict[str, Any], source_cloud: str, stack: str) -> list[str]:
    dest = str(entry["destination"])
    stores = [r for r in graph.named(dest.removeprefix("s3://").split("/", 1)[0]) if r.type in STORES]
    if stores:
        return [f"destination {dest!r}: {m}" for s in stores for m in judge_store(graph, s, source_cloud)]
    kind, value = ("host", dest.split("://", 1)[-1].split("/", 1)[0]) if "://" in dest else ("arn", dest)
    if dest.startswith("s3://"):
        kind, value = "arn", f"arn:aws:s3:::{value}"
    try:
        endpoint = find(load_endpoints(stack), kind, value)
    except EndpointsError as exc:
        return [f"destination {dest!r}: the endpoints record cannot be read ({exc})"]
    if endpoint is None:
        return [f"destination {dest!r} is neither a store of this stack nor a declared endpoint "
                "(stacks/records/endpoints.yaml), so where the copy lands cannot be judged"]
    vendor = _vendor_of(dest)
    if vendor is None or not endpoint.region:
        return [f"destination {dest!r} (endpoint {endpoint.id}): no vendor and region that can be placed"]
    out = []
    if vendor == source_cloud:
        out.append(f"destination {dest!r} is at the same vendor ({vendor}) as the data it copies")
    if not is_eea(vendor, endpoint.region):
        out.append(f"destination {dest!r} is in {endpoint.region}, not in the EEA")
    return out


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    recorded = recorded_classification(ctx.stack or None)
    # Stores tagged `copy-of` hold copies, except the bucket receiving their S3 access logs (metadata).
    copies = [r for r in graph.by_type(*STORES) if isinstance(r.tags, dict) and r.tags.get("copy-of")
              and not linked(graph, r, ACCESS_LOGGING, "targetBucket")]
    for store in copies:
        out.extend((store.urn, f"off-vendor copy store: {m}") for m in judge_store(graph, store, None))
    # `r not in copies`, looked up among the copies of the same URN (views are equal only with equal URNs)
    copy_of_urn: dict[str, list[ResourceView]] = {}
    for c in copies:
        copy_of_urn.setdefault(c.urn, []).append(c)
    sources = [r for r in graph.by_type(*SOURCES)
               if r not in copy_of_urn.get(r.urn, ()) and needs_cmk(r, recorded)]
    if not sources:
        return out
    entries, problem = _entries(ctx.stack)
    if problem:
        return out + [(s.urn, problem) for s in sources]
    for s in sources:
        covering = [e for e in entries if s.type in e["stores"] or s.name in e["stores"]]
        if not covering:
            out.append((s.urn, f"no off-vendor copy covers this {s.type.rsplit(':', 1)[-1]}; {HOW}"))
        for e in covering:
            if not _SCHEDULE.match(str(e["schedule"])):
                out.append((s.urn, f"schedule {e['schedule']!r} is not a cron(...) or rate(...) expression"))
            out.extend((s.urn, m) for m in _destination(graph, e, s.cloud, ctx.stack))
    return out


RULE = Rule(
    id="require-off-vendor-backups",
    title="Every store of personal data at 'vertrouwelijk' or above is copied on a schedule to an immutable "
    "object store at another vendor, in the EEA, under a controller-held key, over the private link.",
    severity="high",
    remediation="Create the copy store with OffVendorBucket / OffVendorContainer "
    "(components/interconnect/offvendor_backup.py) and declare the scheduled export in the PIA record's "
    "off_vendor_copies (docs/sovereignty.md).",
    controls=("LOC-03",),
    check=check,
    module=__name__,
    scope="stack",
)
