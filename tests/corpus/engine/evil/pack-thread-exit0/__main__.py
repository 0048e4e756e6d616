"""Evil: an extra pack starts a daemon thread at import that calls os._exit(0) a moment later, while the gate still judges -> exit 1 or 2, never 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")

for i in range(300):
    aws.sqs.Queue(f"q{i}")
