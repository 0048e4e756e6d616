"""Evil: a thread hands a us-east-1 bucket to the program's event loop after the main code has returned (must block)."""
import asyncio
import threading
import time

import pulumi_aws as aws

aws.s3.Bucket("main")
loop = asyncio.get_event_loop()


def later():
    time.sleep(1.5)
    loop.call_soon_threadsafe(lambda: aws.s3.Bucket("late", region="us-east-1"))


threading.Thread(target=later).start()
