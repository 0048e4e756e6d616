"""Evil: an extra pack's daemon thread waits until the evaluation is over (os._exit given back) and then calls os._exit(0) while the gate publishes -> exit 1, never 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")

for i in range(300):
    aws.sqs.Queue(f"q{i}")
