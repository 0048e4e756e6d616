"""Evil: the region is read from a copy of the whole environment (dict(os.environ)), not os.environ[...]."""
import os

import pulumi
import pulumi_aws as aws

env = dict(os.environ)
provider = aws.Provider("deploy", region=env.get("DATA_REGION", "eu-west-1"))
aws.s3.Bucket("records", opts=pulumi.ResourceOptions(provider=provider))
