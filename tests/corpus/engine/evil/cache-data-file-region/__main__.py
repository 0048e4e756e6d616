"""Evil: the region is read from a data file (settings/region.txt); the file changes to us-east-1 after a cached clean run -> require-eea-location on the second run"""
import os

import pulumi_aws as aws

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "settings", "region.txt"), encoding="utf-8") as f:
    region = f.read().strip()
aws.s3.Bucket("data", region=region)
