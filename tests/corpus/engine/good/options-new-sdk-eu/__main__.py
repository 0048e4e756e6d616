"""Good: eu-west-1 resources with the newer lifecycle options (replacement_trigger, replace_with, hide_diffs)"""
import pulumi
import pulumi_aws as aws

key = aws.kms.Key("records", deletion_window_in_days=30, enable_key_rotation=True)
bucket = aws.s3.Bucket("records", region="eu-west-1", opts=pulumi.ResourceOptions(
    replacement_trigger="layout-v2", hide_diffs=["tags"]))
aws.s3.BucketServerSideEncryptionConfiguration(
    "records-sse", bucket=bucket.id,
    rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms", "kms_master_key_id": key.arn}}],
    opts=pulumi.ResourceOptions(replace_with=[bucket]))
