"""Evil: the program's own pyproject [tool.gate] points eu-residency at a config that allows us-east-1."""
import pulumi_aws as aws

aws.s3.Bucket("records", region="us-east-1")
