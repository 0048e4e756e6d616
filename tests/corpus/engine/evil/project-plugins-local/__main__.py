"""Evil: Pulumi.yaml plugins: runs the aws provider from a binary in the repository (a patched build)"""
import pulumi_aws as aws

aws.s3.Bucket("records")
