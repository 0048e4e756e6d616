"""Non-compliant: D36 §108 allows only a transient cache on the portal; Redis persists, tags are missing."""

import pulumi_aws as aws

aws.elasticache.Cluster(
    "cache",
    engine="redis",
    node_type="cache.t4g.small",
    num_cache_nodes=1,
    snapshot_retention_limit=7,
    tags={"classification": "vertrouwelijk"},
)
