"""Evil: variant (after the fixes): a region that is rich markup and a workflow command, shown as a table row of the text report -> require-eea-location, the text report renders (no internal error) without a workflow command"""
import pulumi_aws as aws

aws.s3.Bucket("data", region="[/]::error::gate allowed")
