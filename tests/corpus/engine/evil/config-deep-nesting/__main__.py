"""Evil: a stack config value is a list nested 100 000 levels deep -> exit 2 naming Pulumi.corpus.yaml, never a RecursionError"""
import pulumi
import pulumi_aws as aws

pulumi.Config().get_object("layers")
aws.s3.Bucket("data")
