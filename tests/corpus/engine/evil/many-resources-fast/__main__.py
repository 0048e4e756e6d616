"""Evil: 5,200 queues registered in a tight loop, the last bucket in us-east-1 -> require-eea-location"""
import pulumi_aws as aws

for i in range(5_200):
    aws.sqs.Queue(f"q{i}")
aws.s3.Bucket("last", region="us-east-1")
