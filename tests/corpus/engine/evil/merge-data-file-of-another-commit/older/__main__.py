"""Evil: shard 1 (stack a) of this commit, whose settings/regions.json (a data file the program reads, no code) puts b in us-east-1; shard 2 (stack b) of an older commit where b was still in eu-west-1; every source file is the same -> exit 2 (shards of different programs)"""
import json
import os

import pulumi
import pulumi_aws as aws

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "settings", "regions.json"), encoding="utf-8") as f:
    regions = json.load(f)

aws.s3.Bucket("data", region=regions[pulumi.get_stack()])
