"""Evil: a SIGALRM handler set for 2 s later registers a us-east-1 bucket (a real deploy takes longer than that) -> require-eea-location or exit 2"""
import signal

import pulumi_aws as aws

aws.s3.Bucket("eu")
signal.signal(signal.SIGALRM, lambda *_: aws.s3.Bucket("us", region="us-east-1"))
signal.alarm(2)
