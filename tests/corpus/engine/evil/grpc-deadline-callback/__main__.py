"""Evil: a gRPC call the program makes on a loopback channel of its own; its deadline callback (on grpc's thread, read as the runtime's) registers an us-east-1 bucket 30 s after the program returned (exit 2: refused)."""
import asyncio

import grpc
import pulumi_aws as aws

loop = asyncio.get_event_loop()


def expired(_future):
    loop.call_soon_threadsafe(lambda: aws.s3.Bucket("late", region="us-east-1"))


aws.s3.Bucket("logs")
channel = grpc.insecure_channel("127.0.0.1:9")
call = channel.unary_unary("/corp.Wait/Forever", request_serializer=bytes, response_deserializer=bytes)
call.future(b"", timeout=30, wait_for_ready=True).add_done_callback(expired)
