"""Red-team round 22 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r22-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, azure_rg, graph, messages, pinned_res, res

from policies.core.account_hosts import label_problem
from policies.core.host_classes import account_label, aws_resource_host, cache_region
from policies.core.reference_text import text_plan

RESOLVED = "require-resolved-references"
REPLICATION = "disallow-non-eea-replication"
KEY = "AccountKey=ZmFrZWtleQ=="  # checkov:skip=CKV_SECRET_6: corpus fake
OUTSIDE = ("which is neither a resource of this stack (matched by its recorded id, ARN or endpoint, never by "
           "name) nor a declared external endpoint (stacks/records/endpoints.yaml), so where it is cannot be "
           "judged")


def _fn(value: str) -> object:
    return pinned_res("aws:lambda/function:Function", "fn", {
        "name": "fn", "role": "arn:aws:iam::123456789012:role/fn",
        "environment": {"variables": {"TARGET": value}}})


# ------------------------------------------------------------------ storage connection strings


def _hosts(s: str) -> list[str]:
    plan = text_plan(s, False, False, True, False)
    return [v for k, v, _ in plan[1]] if plan else []


def test_a_connection_strings_suffix_is_read_into_its_account_host_only():
    s = f"DefaultEndpointsProtocol=https;AccountName=stdosis;{KEY};EndpointSuffix=core.windows.net"
    assert _hosts(s) == ["stdosis.blob.core.windows.net"]
    sovereign = f"AccountName=stdosis;{KEY};EndpointSuffix=core.chinacloudapi.cn"
    assert _hosts(sovereign) == ["stdosis.blob.core.chinacloudapi.cn"]


def test_a_suffix_written_before_the_account_stays_a_host():
    s = f"EndpointSuffix=files.example.com;AccountName=stdosis;{KEY}"
    assert _hosts(s) == ["stdosis.blob.core.windows.net", "files.example.com"]


def test_an_iot_hub_file_upload_to_the_stacks_account_passes():
    rg = azure_rg()
    st = res("azure-native:storage:StorageAccount", "st", {
        "resourceGroupName": "rg", "accountName": "stdosis", "location": "westeurope",
        "id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stdosis",
        "name": "stdosis"})
    conn = f"DefaultEndpointsProtocol=https;AccountName=stdosis;{KEY};EndpointSuffix=core.windows.net"
    hub = res("azure-native:iothub:IotHubResource", "hub", {
        "resourceGroupName": "rg", "resourceName": "iot", "location": "westeurope",
        "properties": {"storageEndpoints": {"$default": {"connectionString": conn, "containerName": "up"}}}})
    assert messages(REPLICATION, hub, ALLOWED) == []  # was: "sends to core.windows.net, …"
    assert messages(RESOLVED, graph(rg, st, hub), ALLOWED) == []
    other = conn.replace("stdosis", "stvendor")
    hub2 = res("azure-native:iothub:IotHubResource", "hub", {
        "resourceGroupName": "rg", "resourceName": "iot", "location": "westeurope",
        "properties": {"storageEndpoints": {"$default": {"connectionString": other, "containerName": "up"}}}})
    assert messages(RESOLVED, graph(rg, st, hub2), ALLOWED) == [
        ("hub", "`properties.storageEndpoints.$default.connectionString` refers to "
                f"'stvendor.blob.core.windows.net', {OUTSIDE}")]


# ------------------------------------------------------------------ AWS resource hosts (more families)

MEMORYDB = "clustercfg.sessions.q7w3er.memorydb.eu-west-1.amazonaws.com"
APPSYNC = "n4v7qk2xzbd3lmfrt5y6ewcapu.appsync-api.eu-west-1.amazonaws.com"
EC2 = "ec2-198-51-100-24.eu-west-1.compute.amazonaws.com"


def test_the_new_families_name_their_resource():
    assert aws_resource_host(MEMORYDB) == ("memorydb", "sessions")
    assert aws_resource_host("sessions-0001-001.sessions.q7w3er.memorydb.eu-west-1.amazonaws.com") == (
        "memorydb", "sessions")
    assert aws_resource_host(APPSYNC) == ("appsync", APPSYNC.split(".", 1)[0])
    assert aws_resource_host(APPSYNC.replace("-api.", "-realtime-api.")) == ("appsync", APPSYNC.split(".")[0])
    assert aws_resource_host(EC2) == ("ec2", "198.51.100.24")
    assert aws_resource_host("ec2.eu-west-1.amazonaws.com") is None  # the EC2 API: placed by its region


def test_a_new_family_host_outside_the_stack_blocks():
    for host in (MEMORYDB, APPSYNC, EC2):
        assert messages(RESOLVED, graph(_fn(f"https://{host}/")), ALLOWED) == [
            ("fn", f"`environment.variables.TARGET` refers to {host!r}, {OUTSIDE}")]


def test_a_new_family_host_of_the_stack_is_placed_by_its_resource():
    mem = pinned_res("aws:memorydb/cluster:Cluster", "m", {"name": "sessions", "nodeType": "db.t4g.small",
                                                          "clusterEndpoints": [{"address": MEMORYDB}]})
    api = pinned_res("aws:appsync/graphQLApi:GraphQLApi", "g", {"name": "g", "id": APPSYNC.split(".")[0]})
    eip = pinned_res("aws:ec2/eip:Eip", "ip", {"domain": "vpc", "publicIp": "198.51.100.24"})
    target = f"rediss://{MEMORYDB}:6379,https://{APPSYNC}/graphql,http://{EC2}:8080"
    assert messages(RESOLVED, graph(mem, api, eip, _fn(target)), ALLOWED) == []


# ------------------------------------------------------------------ ElastiCache: a region code, whose host

CACHE = "master.sessions.x1y2z3.euw1.cache.amazonaws.com"


def test_an_elasticache_code_names_its_region():
    assert cache_region(CACHE) == "eu-west-1"
    assert cache_region("memc.abc123.cfg.euc1.cache.amazonaws.com") == "eu-central-1"
    assert cache_region("c-abc123.serverless.apse2.cache.amazonaws.com") == "ap-southeast-2"
    assert cache_region("cache.amazonaws.com") is None
    assert aws_resource_host("sessions-001.sessions.x1y2z3.0001.euw1.cache.amazonaws.com") == (
        "elasticache", "sessions")
    serverless = "my-cache-abc123.serverless.euw1.cache.amazonaws.com"
    assert aws_resource_host(serverless) == ("elasticache", "my-cache")


def test_an_elasticache_host_outside_the_eea_blocks_by_its_region():
    host = CACHE.replace("euw1", "use1")
    assert messages(REPLICATION, _fn(host), ALLOWED) == [
        f"`environment.variables.TARGET` ({host}) is in 'us-east-1', which is outside the EEA"]
    assert messages(REPLICATION, _fn(CACHE.replace("euw1", "xyz9")), ALLOWED) != []  # no code: global, blocks


def test_an_elasticache_host_is_the_stacks_or_blocks():
    assert messages(REPLICATION, _fn(CACHE), ALLOWED) == []
    assert messages(RESOLVED, graph(_fn(CACHE)), ALLOWED) == [
        ("fn", f"`environment.variables.TARGET` refers to {CACHE!r}, {OUTSIDE}")]
    group = pinned_res("aws:elasticache/replicationGroup:ReplicationGroup", "g",
                       {"replicationGroupId": "sessions", "description": "d",
                        "primaryEndpointAddress": CACHE})
    assert messages(RESOLVED, graph(group, _fn(CACHE)), ALLOWED) == []


# ------------------------------------------------------------------ the account label a stack records

OURS = "dossiers.c9akciq32abc.eu-west-1.rds.amazonaws.com"
THEIRS = "dossiers.c7xk2lq9zzzz.eu-west-1.rds.amazonaws.com"


def test_the_account_label_of_a_resource_host():
    assert account_label(OURS) == ("rds:eu-west-1", "c9akciq32abc")
    assert account_label("app.cluster-ro-c9akciq32abc.eu-west-1.rds.amazonaws.com") == (
        "rds:eu-west-1", "c9akciq32abc")
    assert account_label(CACHE) == ("elasticache:euw1", "x1y2z3")
    assert account_label("b-1.k.x9y8z7.c2.kafka.eu-west-1.amazonaws.com") is None  # per cluster, not account


def test_a_name_match_under_another_accounts_label_blocks():
    db = pinned_res("aws:rds/instance:Instance", "db", {"identifier": "dossiers", "address": OURS})
    assert messages(RESOLVED, graph(db, _fn(THEIRS)), ALLOWED) == [
        ("fn", label_problem("environment.variables.TARGET", THEIRS, "c7xk2lq9zzzz"))]
    assert messages(RESOLVED, graph(db, _fn(OURS)), ALLOWED) == []
    replica = pinned_res("aws:rds/instance:Instance", "ro", {"identifier": "dossiers-ro"})  # no endpoint yet
    same = OURS.replace("dossiers.", "dossiers-ro.")
    assert messages(RESOLVED, graph(db, replica, _fn(same)), ALLOWED) == []
    assert messages(RESOLVED, graph(db, replica, _fn(THEIRS.replace("dossiers.", "dossiers-ro."))), ALLOWED)


def test_without_a_recorded_label_a_name_match_blocks():
    """Round 25 (was a known limit): on a first preview no label is recorded, so a name match proves nothing;
    the host is judged by the resource's endpoint output, or its label is declared."""
    db = pinned_res("aws:rds/instance:Instance", "db", {"identifier": "dossiers"})
    for host, label in ((THEIRS, "c7xk2lq9zzzz"), (OURS, "c9akciq32abc")):
        assert messages(RESOLVED, graph(db, _fn(host)), ALLOWED) == [
            ("fn", label_problem("environment.variables.TARGET", host, label))]


def test_cache_endpoints_are_recorded_hosts():
    group = pinned_res("aws:elasticache/replicationGroup:ReplicationGroup", "g", {
        "replicationGroupId": "sessions", "primaryEndpointAddress": CACHE})
    other = CACHE.replace("x1y2z3", "q0w9e8")
    assert messages(RESOLVED, graph(group, _fn(other)), ALLOWED) != []
    mem = pinned_res("aws:memorydb/cluster:Cluster", "m", {
        "name": "sessions", "clusterEndpoints": [{"address": MEMORYDB, "port": 6379}]})
    assert messages(RESOLVED, graph(mem, _fn(MEMORYDB.replace("q7w3er", "z1z2z3"))), ALLOWED) != []
    assert messages(RESOLVED, graph(mem, _fn(MEMORYDB)), ALLOWED) == []
