"""Evil: registers 1,000,000 queues (the last bucket in us-east-1): the gate must stop at a clear limit, not eat the machine -> exit 2 naming the limit"""
import pulumi_aws as aws

for i in range(1_000_000):
    aws.sqs.Queue(f"q{i}")
aws.s3.Bucket("last", region="us-east-1")
