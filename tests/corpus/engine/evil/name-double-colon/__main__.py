"""Evil: a bucket whose name holds '::' and a type token, so a URN split on '::' reads another type -> require-eea-location"""
import pulumi_aws as aws

aws.s3.Bucket("logs::pulumi:pulumi:Stack::corpus", region="us-east-1")
