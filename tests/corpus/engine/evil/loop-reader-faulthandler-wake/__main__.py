"""Evil: an event-loop reader on a pipe that a faulthandler watchdog writes 30 s later registers an us-east-1 bucket, while a deploy waits for its steps (exit 2: refused)."""
import asyncio
import faulthandler
import os

import pulumi_aws as aws

loop = asyncio.get_event_loop()
r, w = os.pipe()


def wake():
    os.read(r, 65536)
    loop.remove_reader(r)
    aws.s3.Bucket("late", region="us-east-1")


aws.s3.Bucket("logs")
loop.add_reader(r, wake)
faulthandler.dump_traceback_later(30.0, file=w)
