"""Evil: variant (after the fixes): the blocked shard's b.report.json is replaced by a symbolic link to a copy outside the shard (same bytes, so its seal matches; the link can be pointed elsewhere after the check) -> exit 2"""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("data", region=pulumi.Config().require("dataRegion"))
