"""Evil: aws:region is an encrypted config value: unreadable offline, so the location is unknown (fail closed)."""
import pulumi_aws as aws

aws.s3.Bucket("records")
