"""Evil: an asyncio task nobody awaits sleeps, then registers a us-east-1 bucket -> require-eea-location"""
import asyncio

import pulumi_aws as aws


async def later():
    await asyncio.sleep(1.0)
    aws.s3.Bucket("us", region="us-east-1")


aws.s3.Bucket("eu")
asyncio.ensure_future(later())  # noqa: RUF006 -- nobody awaits it: the point
