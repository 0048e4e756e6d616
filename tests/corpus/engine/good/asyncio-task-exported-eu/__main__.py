"""Good: an asyncio task registers an eu-west-1 bucket and its name is exported through Output.from_input, so the stack awaits it"""
import asyncio

import pulumi
import pulumi_aws as aws


async def make_bucket():
    await asyncio.sleep(0)
    aws.s3.Bucket("eu-async")
    return "eu-async"


task = asyncio.ensure_future(make_bucket())
pulumi.export("bucket", pulumi.Output.from_input(task))
