"""Evil: a waiver's expiry is the impossible date "2026-02-30" written as a string (a YAML date would be refused by the parser) -> the finding stands or exit 2 naming waivers[0].expires"""
import pulumi_aws as aws

aws.s3.Bucket("data")
