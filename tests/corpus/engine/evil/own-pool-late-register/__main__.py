"""Evil (variant, written after the fixes): the program's own ThreadPoolExecutor, never shut down, hands a us-east-1 bucket to the event loop a second after the main code returned -> require-eea-location"""
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pulumi_aws as aws

pool = ThreadPoolExecutor(2)


def late():
    time.sleep(1.0)
    loop.call_soon_threadsafe(lambda: aws.s3.Bucket("us", region="us-east-1"))


aws.s3.Bucket("eu")
loop = asyncio.get_event_loop()
pool.submit(late)
