"""Evil: variant (after the fixes): imports an existing bucket as records@us-east-1 (the aws provider's region suffix) without declaring a region -> exit 2 naming the id"""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("records", bucket="corpus-records", opts=pulumi.ResourceOptions(import_="corpus-records@us-east-1"))
