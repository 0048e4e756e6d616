"""Evil: a _thread.start_new_thread thread (in no list of threading's) registers an us-east-1 bucket 30 s after the program returned, while a deploy waits for its steps (exit 2: refused)."""
import _thread
import asyncio
import time

import pulumi_aws as aws

loop = asyncio.get_event_loop()


def later():
    time.sleep(30)
    loop.call_soon_threadsafe(lambda: aws.s3.Bucket("late", region="us-east-1"))


aws.s3.Bucket("logs")
_thread.start_new_thread(later, ())
