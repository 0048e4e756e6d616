"""Evil: replaces pulumi.runtime.settings.is_dry_run so the program's deploy-only branch (a us-east-1 bucket) runs in every recording... but sets it back to the engine's answer first when not under the gate -> require-eea-location"""
import pulumi
import pulumi.runtime.settings as settings
import pulumi_aws as aws

real = settings.is_dry_run
settings.is_dry_run = lambda: True  # "always preview-safe"
pulumi.runtime.is_dry_run = settings.is_dry_run
aws.s3.Bucket("eu")
if not real():
    aws.s3.Bucket("us", region="us-east-1")
