"""Evil: the region is read through os.environb (bytes), beside os.environ's noting (must block when deployed)."""
import os

import pulumi_aws as aws

region = os.environb.get(b"DATA_REGION", b"eu-west-1").decode()
aws.s3.Bucket("records", region=region)
