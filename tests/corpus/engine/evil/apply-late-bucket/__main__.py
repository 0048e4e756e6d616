"""Evil: a bucket in us-east-1 registered inside an Output.all(...).apply callback (require-eea-location)."""
import pulumi
import pulumi_aws as aws

logs = aws.s3.Bucket("logs")
data = aws.s3.Bucket("data")
pulumi.Output.all(logs.arn, data.id).apply(lambda _: aws.s3.Bucket("late-copy", region="us-east-1"))
