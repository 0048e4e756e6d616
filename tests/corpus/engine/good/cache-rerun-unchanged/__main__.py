"""Good: the same compliant program judged twice with one stack cache: both runs pass"""
import pulumi_aws as aws

aws.s3.Bucket("data")
