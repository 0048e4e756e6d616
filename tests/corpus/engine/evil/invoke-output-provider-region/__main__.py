"""Evil: getRegion through invoke_output with an us-east-1 provider in its options names the bucket's region (require-eea-location)."""
import pulumi
import pulumi_aws as aws

virginia = aws.Provider("virginia", region="us-east-1")
there = pulumi.runtime.invoke_output(
    "aws:index/getRegion:getRegion", {}, opts=pulumi.InvokeOutputOptions(provider=virginia))
aws.s3.Bucket("mirror", region=there.apply(lambda r: r["region"]))
