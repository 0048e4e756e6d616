"""Evil (round 48): an extra pack loads libc's _exit through cffi's ABI mode (no ctypes audit event) and calls _exit(0) once the evaluation is over -> never exit 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
