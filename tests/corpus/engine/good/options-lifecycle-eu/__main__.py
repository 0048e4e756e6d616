"""Good: eu-west-1 resources with protect, retain_on_delete, replace_on_changes, deleted_with, custom timeouts and ignore_changes on tags only"""
import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("records", region="eu-west-1", opts=pulumi.ResourceOptions(
    protect=True, retain_on_delete=True, replace_on_changes=["bucket"], ignore_changes=["tags"]))
aws.s3.BucketVersioning("records-versioning", bucket=bucket.id,
                        versioning_configuration={"status": "Enabled"},
                        opts=pulumi.ResourceOptions(deleted_with=bucket,
                                                    custom_timeouts=pulumi.CustomTimeouts(create="5m")))
