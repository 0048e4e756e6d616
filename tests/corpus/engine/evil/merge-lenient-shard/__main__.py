"""Evil: shard 2 (stack b, us-east-1) is judged with a pack config that disables require-eea-location; gate merge must refuse shards judged by different packs or settings"""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("data", region=pulumi.Config().require("dataRegion"))
