"""Evil: a bucket registered inside Output.all(...) of two computed endpoints, in us-east-1 once both have values -> require-eea-location."""
import pulumi
import pulumi_aws as aws

db = aws.rds.Instance("ledger", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                      username="ledger", manage_master_user_password=True, skip_final_snapshot=True)
cache = aws.elasticache.ReplicationGroup(
    "ledger-cache", description="ledger", node_type="cache.t4g.micro", num_cache_clusters=1,
    engine="redis", at_rest_encryption_enabled=True, transit_encryption_enabled=True)
pulumi.Output.all(db.address, cache.primary_endpoint_address).apply(
    lambda hosts: aws.s3.Bucket("ledger-archive", region="us-east-1" if all(hosts) else "eu-west-1"))
