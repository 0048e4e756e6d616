"""Evil: shard 1 (stack a) of this commit, whose regions.zip (a zip archive on sys.path the program imports its regions from) puts b in us-east-1; shard 2 (stack b) of an older commit where b was still in eu-west-1; every source pattern is the same -> exit 2 (shards of different programs)"""
import os
import sys

import pulumi
import pulumi_aws as aws

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "regions.zip"))
import regions

aws.s3.Bucket("data", region=regions.REGIONS[pulumi.get_stack()])
