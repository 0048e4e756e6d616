"""Evil: Pulumi.yaml main names a file (deploy.py, a us-east-1 bucket): pulumi up runs that file, not the EU __main__.py beside it -> require-eea-location"""
import pulumi_aws as aws

aws.s3.Bucket("records", region="eu-west-1")
