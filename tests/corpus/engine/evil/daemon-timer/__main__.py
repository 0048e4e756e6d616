"""Evil: (variant written after the fix) a daemon threading.Timer registers a us-east-1 bucket 2 s later -> exit 2 naming the daemon thread"""
import asyncio
import threading

import pulumi_aws as aws

aws.s3.Bucket("eu")
loop = asyncio.get_event_loop()
timer = threading.Timer(2, lambda: loop.call_soon_threadsafe(lambda: aws.s3.Bucket("us", region="us-east-1")))
timer.daemon = True
timer.start()
