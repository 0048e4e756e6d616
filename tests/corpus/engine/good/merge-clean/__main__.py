"""Good: two clean shards of one program, both stacks in eu-west-1, merged"""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("data", region=pulumi.Config().require("dataRegion"))
