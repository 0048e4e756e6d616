"""Evil: the explicit provider points to us-east-1 only when deployed (is_dry_run false) (require-eea-location)."""
import pulumi
import pulumi_aws as aws
from pulumi.runtime import is_dry_run

provider = aws.Provider("main", region="eu-west-1" if is_dry_run() else "us-east-1")
aws.s3.Bucket("records", opts=pulumi.ResourceOptions(provider=provider))
