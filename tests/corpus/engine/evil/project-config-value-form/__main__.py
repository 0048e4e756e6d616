"""Evil: Pulumi.yaml sets aws:region in its long form ({value: us-east-1}) for every stack; the stack file is silent -> require-eea-location"""
import pulumi_aws as aws

aws.s3.Bucket("records")
