"""Good: an extra pack given by flag that logs to stderr at import and reports an advisory on every resource"""
import pulumi_aws as aws

aws.s3.Bucket("data")
