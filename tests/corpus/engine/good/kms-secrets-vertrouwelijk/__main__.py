"""Good: vertrouwelijk data (tagged) and the stack's secrets under an eu-west-1 KMS key."""
import pulumi_aws as aws

aws.s3.Bucket("records", tags={"classification": "vertrouwelijk"})
