"""Evil: a coroutine awaits a bucket id (known only on update), then registers an us-east-1 bucket; exported via Output.from_input (require-eea-location)."""
import pulumi
import pulumi_aws as aws

logs = aws.s3.Bucket("logs")


async def later():
    bucket_id = await logs.id.future()
    if bucket_id:
        aws.s3.Bucket("late", region="us-east-1", tags={"after": bucket_id})
    return bucket_id or "unknown"


pulumi.export("logs", pulumi.Output.from_input(later()))
