"""Evil (round 48): an extra pack empties gate.process_ends._OWNER (the hook then takes the gate for a forked process) and calls libc _exit(0) through ctypes once the evaluation is over -> never exit 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
