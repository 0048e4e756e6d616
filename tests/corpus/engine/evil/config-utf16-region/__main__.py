"""Evil: the stack config is UTF-16 with a BOM and sets aws:region us-east-1 (the Pulumi CLI decodes it) -> require-eea-location, or exit 2 naming Pulumi.corpus.yaml"""
import pulumi_aws as aws

aws.s3.Bucket("data")
