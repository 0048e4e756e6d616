"""Good: two shards of one program that reads its regions from settings/regions.json (both stacks in eu-west-1), merged"""
import json
import os

import pulumi
import pulumi_aws as aws

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "settings", "regions.json"), encoding="utf-8") as f:
    regions = json.load(f)

aws.s3.Bucket("data", region=regions[pulumi.get_stack()])
