"""Evil: shard 1 (stack a) of this commit, shard 2 (stack b) of an older one whose regions.zip (a zip archive on sys.path the program imports its region from) differs; every source pattern is the same -> exit 2 (shards of different programs)"""
import os
import sys

import pulumi_aws as aws

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "regions.zip"))
import regions

aws.s3.Bucket("data", region=regions.REGION)
