"""Evil: a us-east-1 bucket registered only once a provider-computed output is known (require-eea-location)."""
import pulumi_aws as aws

site = aws.s3.Bucket("site")
site.bucket_regional_domain_name.apply(
    lambda host: aws.s3.Bucket("edge-mirror", region="us-east-1") if host else None)
