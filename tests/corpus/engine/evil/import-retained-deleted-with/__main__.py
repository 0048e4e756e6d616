"""Evil: an us-east-1 bucket only adopted (import_), retain_on_delete, deleted_with an EU bucket, replace_on_changes on nothing: the stack still manages it (require-eea-location)."""
import pulumi
import pulumi_aws as aws

home = aws.s3.Bucket("home")
virginia = aws.Provider("virginia", region="us-east-1")
aws.s3.Bucket("adopted", bucket="legacy-us-exports", opts=pulumi.ResourceOptions.merge(
    pulumi.ResourceOptions(provider=virginia, import_="legacy-us-exports", retain_on_delete=True),
    pulumi.ResourceOptions(deleted_with=home, replace_on_changes=[], protect=False)))
