"""Evil: one us-east-1 bucket per member cluster, registered only when the computed list output is non-empty -> require-eea-location."""
import pulumi_aws as aws

cache = aws.elasticache.ReplicationGroup(
    "sessions", description="sessions", node_type="cache.t4g.micro", num_cache_clusters=2,
    engine="redis", at_rest_encryption_enabled=True, transit_encryption_enabled=True)
cache.member_clusters.apply(
    lambda ids: [aws.s3.Bucket(f"snap-{i}", region="us-east-1") for i in ids]
    if ids and len(ids) > 0 else None)
