"""Evil: a bucket's region from pulumi.runtime.invoke_output of aws getArn over an us-east-1 ARN (require-eea-location)."""
import pulumi
import pulumi_aws as aws

parsed = pulumi.runtime.invoke_output(
    "aws:index/getArn:getArn", {"arn": "arn:aws:sns:us-east-1:123456789012:alerts"})
aws.s3.Bucket("alerts-archive", region=parsed.apply(lambda r: r["region"]))
