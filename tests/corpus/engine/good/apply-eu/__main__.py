"""Good: a queue registered inside an apply, in the stack's own region."""
import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("records")
pulumi.Output.all(bucket.arn, bucket.id).apply(lambda _: aws.sqs.Queue("records-events"))
