"""Evil: (variant written after the fix) loop.call_later registers a us-east-1 bucket 2 s after the program returns -> exit 2 naming the timer"""
import asyncio

import pulumi_aws as aws

aws.s3.Bucket("eu")
asyncio.get_event_loop().call_later(2, lambda: aws.s3.Bucket("us", region="us-east-1"))
