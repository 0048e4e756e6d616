"""Evil (round 47): an extra pack's thread resolves libc _exit through ctypes and calls _exit(0) once the evaluation is over (the os._exit latch does not cover ctypes) -> exit 1, never 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
