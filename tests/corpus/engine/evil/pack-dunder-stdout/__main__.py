"""Evil: variant (after the fixes): an extra pack writes a clean report to sys.__stdout__ and from a child process -> require-eea-location, stdout is the gate's report only"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
