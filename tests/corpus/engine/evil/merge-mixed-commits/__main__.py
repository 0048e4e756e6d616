"""Evil: shard 1 (stack a) of this commit, shard 2 (stack b) of an older commit where b was still in eu-west-1 -> exit 2 (shards of different programs)"""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("data", region=pulumi.Config().require("dataRegion"))
