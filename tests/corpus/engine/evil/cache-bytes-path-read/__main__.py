"""Evil: the region is read from settings/region.txt opened by a bytes path (not a str); the file changes to us-east-1 after a cached clean run -> require-eea-location on the second run"""
import os

import pulumi_aws as aws

here = os.path.dirname(os.path.abspath(__file__))
with open(os.fsencode(os.path.join(here, "settings", "region.txt")), "rb") as f:
    region = f.read().decode().strip()
aws.s3.Bucket("data", region=region)
