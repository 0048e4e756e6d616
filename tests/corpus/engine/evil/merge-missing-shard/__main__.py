"""Evil: gate merge given shard 1 of 2 only (the blocked stack b is in shard 2) -> exit 2 naming the missing shard"""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("data", region=pulumi.Config().require("dataRegion"))
