"""Evil: a child bucket's parent is a read (get) bucket whose provider is us-east-1; the child inherits it (require-eea-location)."""
import pulumi
import pulumi_aws as aws

virginia = aws.Provider("legacy", region="us-east-1")
legacy = aws.s3.Bucket.get("legacy", "legacy-archive", opts=pulumi.ResourceOptions(provider=virginia))
aws.s3.Bucket("archive-next", opts=pulumi.ResourceOptions(parent=legacy))
