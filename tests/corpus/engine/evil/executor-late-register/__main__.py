"""Evil: the event loop's default executor (a thread-pool worker, not a thread the program started) registers a us-east-1 bucket a second after the main code returned -> require-eea-location (or exit 2 naming it)"""
import asyncio
import time

import pulumi_aws as aws


def late():
    time.sleep(1.0)
    asyncio.run_coroutine_threadsafe(_register(), loop)


async def _register():
    aws.s3.Bucket("us", region="us-east-1")


aws.s3.Bucket("eu")
loop = asyncio.get_event_loop()
loop.run_in_executor(None, late)
