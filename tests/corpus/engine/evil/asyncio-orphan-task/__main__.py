"""Evil: an asyncio task nobody awaits sleeps, then registers a us-east-1 bucket -> refused as left pending
(with a short sleep a slow recording let it run first: then blocked by require-eea-location instead)"""
import asyncio

import pulumi_aws as aws


async def later():
    await asyncio.sleep(30.0)   # long past the end of any recording, however loaded the host
    aws.s3.Bucket("us", region="us-east-1")


aws.s3.Bucket("eu")
asyncio.ensure_future(later())  # noqa: RUF006 -- nobody awaits it: the point
