"""Evil: the region depends on whether a file exists (os.path.exists: a stat, not an open); the file appears after a cached clean run -> require-eea-location on the second run"""
import os

import pulumi_aws as aws

here = os.path.dirname(os.path.abspath(__file__))
region = "us-east-1" if os.path.exists(os.path.join(here, "deploy-us.flag")) else "eu-west-1"
aws.s3.Bucket("data", region=region)
