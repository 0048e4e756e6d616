# a us-east-1 replica bucket is registered inside an apply on a random id: no resource in preview, one when deployed -> require-eea-location
"""Evil: a us-east-1 replica bucket is registered inside an apply on a random id, so only when deployed."""
import pulumi_aws as aws
import pulumi_random as random

suffix = random.RandomId("replica-suffix", byte_length=4)
aws.s3.Bucket("records", bucket="dosis-records-primary")
suffix.hex.apply(lambda s: aws.s3.Bucket("records-replica", bucket=f"dosis-records-dr-{s}", region="us-east-1"))
