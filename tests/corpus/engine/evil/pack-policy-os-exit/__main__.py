"""Evil: an extra pack's policy calls os._exit(0) on the first bucket -> the policy's failure is mandatory and require-eea-location still fires"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
