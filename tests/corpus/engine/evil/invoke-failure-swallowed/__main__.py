"""Evil: the region comes from an invoke the gate cannot answer; the program catches the failure and falls back to eu-west-1, where pulumi up would get us-east-1 (exit 2: no offline answer)."""
import pulumi_aws as aws

try:
    region = aws.get_arn(arn="arn:aws:sns:us-east-1:123456789012:alerts").region
except Exception:
    region = "eu-west-1"
aws.s3.Bucket("alerts-archive", region=region)
