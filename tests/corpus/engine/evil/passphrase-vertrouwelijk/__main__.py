"""Evil: vertrouwelijk data (tagged) while the stack's secrets use a passphrase (require-eea-state-backend)."""
import pulumi_aws as aws

aws.s3.Bucket("records", tags={"classification": "vertrouwelijk"})
