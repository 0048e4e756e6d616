"""Evil: (variant written after the fix) gate merge given shard 1 twice (the blocked stack b's shard 2 left out) -> exit 2 naming the missing stack"""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("data", region=pulumi.Config().require("dataRegion"))
