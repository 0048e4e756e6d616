"""The program pulumi up runs (Pulumi.yaml main: deploy.py): a us-east-1 bucket."""
import pulumi_aws as aws

aws.s3.Bucket("records", region="us-east-1")
