"""Good: a resource registered in an except branch, in the stack's region."""
import pulumi_aws as aws

try:
    raise ValueError("no custom name configured")
except ValueError:
    aws.s3.Bucket("records")
