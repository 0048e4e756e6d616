"""Good: the preview tags the bucket differently from the update; both are in eu-west-1."""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("records", tags={"phase": "preview" if pulumi.runtime.is_dry_run() else "deployed"})
