"""Good: get_region() (the provider's own region) names a replica bucket in the same region."""
import pulumi_aws as aws

region = aws.get_region().region
aws.s3.Bucket("replica", bucket=f"records-replica-{region}")
