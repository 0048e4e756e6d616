"""Evil: a waiver names its rule through a glob (require-customer-*: every key rule of the pia-conditions pack) -> require-valid-waivers (or exit 2 naming waivers[0].rule)"""
import pulumi_aws as aws

aws.s3.Bucket("data")
