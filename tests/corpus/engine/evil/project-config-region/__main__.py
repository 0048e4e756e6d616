"""Evil: Pulumi.yaml's project config sets aws:region us-east-1 for every stack; the stack file is silent."""
import pulumi_aws as aws

aws.s3.Bucket("records")
