"""Evil: the region comes from $DEPLOY_REGION, eu-west-1 only by default; CI sets us-east-1 (program-reads-environment must block)."""
import os

import pulumi
import pulumi_aws as aws

provider = aws.Provider("deploy", region=os.getenv("DEPLOY_REGION", "eu-west-1"))
aws.s3.Bucket("records", opts=pulumi.ResourceOptions(provider=provider))
