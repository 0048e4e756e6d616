# the bucket's SSE KMS key ARN takes its region from a random integer (unknown in preview): us-east-1 when deployed -> disallow-non-eea-replication
"""Evil: the bucket's KMS key ARN takes its region from a random pick: a us-east-1 key when deployed."""
import pulumi
import pulumi_aws as aws
import pulumi_random as random

pick = random.RandomInteger("key-region", min=0, max=0)
key = aws.kms.Key("records", enable_key_rotation=True)
records = aws.s3.Bucket("records", bucket="dosis-records-keyed")
aws.s3.BucketServerSideEncryptionConfiguration(
    "records",
    bucket=records.id,
    rules=[{"apply_server_side_encryption_by_default": {
        "sse_algorithm": "aws:kms",
        "kms_master_key_id": pulumi.Output.all(key.key_id, pick.result).apply(
            lambda v: f"arn:aws:kms:{['us-east-1', 'eu-west-1'][v[1]]}:123456789012:key/{v[0]}"),
    }}])
