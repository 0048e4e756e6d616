"""Good: an eu-west-1 provider through ResourceOptions.merge, retain_on_delete, deleted_with and replace_on_changes, a child of a bucket read with get in the same region."""
import pulumi
import pulumi_aws as aws

ireland = aws.Provider("ireland", region="eu-west-1")
base = pulumi.ResourceOptions(providers=[ireland], retain_on_delete=True)
archive = aws.s3.Bucket("archive", opts=pulumi.ResourceOptions.merge(
    base, pulumi.ResourceOptions(replace_on_changes=["bucket"])))
legacy = aws.s3.Bucket.get("legacy", "legacy-archive-eu", opts=pulumi.ResourceOptions(provider=ireland))
aws.s3.BucketVersioning(
    "archive", bucket=archive.id, versioning_configuration={"status": "Enabled"},
    opts=pulumi.ResourceOptions.merge(base, pulumi.ResourceOptions(parent=legacy, deleted_with=archive)))
