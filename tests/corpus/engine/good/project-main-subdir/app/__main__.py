"""The program of project-main-subdir: an EU bucket and queue."""
import pulumi_aws as aws

aws.s3.Bucket("records")
aws.sqs.Queue("records-events", region="eu-west-1")
