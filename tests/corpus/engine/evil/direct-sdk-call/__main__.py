"""Evil: when deployed the program itself creates a us-east-1 bucket with boto3, outside Pulumi (must block)."""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("records")
if not pulumi.runtime.is_dry_run():
    import boto3

    try:
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="records-shadow-copy")
    except Exception:
        pass
