"""Evil: variant (after the fixes): shard 2 is judged as of another day (--as-of 2026-01-01, when other waivers held) -> exit 2 (judged with other settings)"""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("data", region=pulumi.Config().require("dataRegion"))
