"""Good: resource names with single colons, dots and non-ASCII letters, all in the stack's region"""
import pulumi_aws as aws

aws.s3.Bucket("logs:eu-west-1:archive")
aws.sqs.Queue("events.v2-ëu")
