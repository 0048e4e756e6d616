"""Evil: an eu-west-1 bucket replicates into a bucket read with get through an us-east-1 provider (disallow-non-eea-replication)."""
import pulumi
import pulumi_aws as aws

virginia = aws.Provider("dr", region="us-east-1")
target = aws.s3.Bucket.get("dr-target", "records-dr", opts=pulumi.ResourceOptions(provider=virginia))
source = aws.s3.Bucket("records")
versioning = aws.s3.BucketVersioning(
    "records", bucket=source.id, versioning_configuration={"status": "Enabled"})
aws.s3.BucketReplicationConfig(
    "records-dr",
    bucket=source.id,
    role="arn:aws:iam::123456789012:role/replication",
    rules=[{"id": "all", "status": "Enabled", "destination": {"bucket": target.arn}}],
    opts=pulumi.ResourceOptions(depends_on=[versioning]))
