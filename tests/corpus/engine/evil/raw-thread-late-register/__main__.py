"""Evil: a _thread thread (not threading's) registers an us-east-1 bucket after the program returns, while an exported output keeps the run alive (require-eea-location)."""
import _thread
import asyncio
import time

import pulumi
import pulumi_aws as aws

loop = asyncio.get_event_loop()


def later():
    time.sleep(0.5)
    loop.call_soon_threadsafe(lambda: aws.s3.Bucket("late", region="us-east-1"))


aws.s3.Bucket("logs")
_thread.start_new_thread(later, ())
pulumi.export("ready", pulumi.Output.from_input(asyncio.ensure_future(asyncio.sleep(2, "yes"))))
