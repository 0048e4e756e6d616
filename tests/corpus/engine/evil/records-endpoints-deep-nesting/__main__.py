"""Evil: the endpoints record is a list nested 100 000 levels deep (the YAML parser recurses) -> exit 2 naming endpoints.yaml, never a RecursionError"""
import pulumi_aws as aws

aws.s3.Bucket("data")
