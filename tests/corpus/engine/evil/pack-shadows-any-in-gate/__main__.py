"""Evil (round 48): an extra pack, when loaded, gives gate.commands a module-level any() that answers False: the gate's exit code (1 if any report is blocked) reads 0 -> exit 1, never 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
