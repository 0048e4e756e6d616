"""Evil: the blocked shard's b.report.json edited to 0 findings before gate merge -> exit 2 (the report does not match its run)"""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("data", region=pulumi.Config().require("dataRegion"))
