"""Evil: a daemon thread hands a us-east-1 bucket to the event loop 2 s later (a real deploy is still running then) -> require-eea-location or exit 2"""
import asyncio
import threading
import time

import pulumi_aws as aws

aws.s3.Bucket("eu")
loop = asyncio.get_event_loop()


def later():
    time.sleep(2)
    loop.call_soon_threadsafe(lambda: aws.s3.Bucket("us", region="us-east-1"))


threading.Thread(target=later, daemon=True).start()
