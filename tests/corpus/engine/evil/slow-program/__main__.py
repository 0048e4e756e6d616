"""Evil: takes minutes before it registers its us-east-1 bucket; with --program-timeout 5 the deadline must give exit 2, never 0"""
import time

import pulumi_aws as aws

aws.s3.Bucket("eu")
time.sleep(180)
aws.s3.Bucket("us", region="us-east-1")
