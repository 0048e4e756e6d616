"""Evil: variant (after the fixes): the region follows flags/deploy-us probed with posix.stat (a directory the import system never lists); the flag appears after a cached clean run -> require-eea-location on the second run"""
import os
import posix

import pulumi_aws as aws

flag = os.path.join(os.path.dirname(os.path.abspath(__file__)), "flags", "deploy-us")
try:
    posix.stat(flag)
    region = "us-east-1"
except FileNotFoundError:
    region = "eu-west-1"
aws.s3.Bucket("data", region=region)
