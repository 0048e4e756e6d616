"""Evil: a daemon thread on concurrent.futures.thread._worker (read as the runtime's pool) runs the program's initializer, which registers an us-east-1 bucket 1.5 s later (require-eea-location)."""
import asyncio
import queue
import threading
import time
from concurrent.futures import thread as pool

import pulumi_aws as aws

loop = asyncio.get_event_loop()


def late():
    time.sleep(1.5)
    loop.call_soon_threadsafe(lambda: aws.s3.Bucket("late", region="us-east-1"))


aws.s3.Bucket("logs")
threading.Thread(target=pool._worker, args=(None, queue.SimpleQueue(), late, ()), daemon=True).start()
