"""Evil: a us-east-1 bucket whose physical name is a secret; the finding must not print it -> require-eea-location, secret absent"""
import pulumi
import pulumi_aws as aws

name = pulumi.Output.secret("corpus-r3-secretname-5521")
b = aws.s3.Bucket("data", bucket=name, region="us-east-1", tags={"owner": name})
pulumi.export("bucket", b.bucket)
