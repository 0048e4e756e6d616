"""Evil: sys.exit(0) right after starting the registration of a us-east-1 bucket (must not pass)."""
import sys

import pulumi_aws as aws

aws.s3.Bucket("eu")
aws.s3.Bucket("us", region="us-east-1")
sys.exit(0)
