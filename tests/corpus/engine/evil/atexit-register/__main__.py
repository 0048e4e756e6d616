"""Evil: an atexit handler registers a us-east-1 bucket when the interpreter winds down -> require-eea-location (or exit 2 naming the handler)"""
import atexit

import pulumi_aws as aws

aws.s3.Bucket("eu")
atexit.register(lambda: aws.s3.Bucket("us", region="us-east-1"))
