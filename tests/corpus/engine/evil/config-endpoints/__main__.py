"""Evil: stack config `aws:endpoints` sends the default provider's S3 traffic to us-east-1 (require-eea-provider-endpoints)."""
import pulumi_aws as aws

aws.s3.Bucket("records")
