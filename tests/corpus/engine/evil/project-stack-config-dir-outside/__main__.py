"""Evil: (variant written after the fix) Pulumi.yaml stackConfigDir: outside the project (../../good/apply-eu: another project's EU stack file stands in for this one's) -> exit 2 naming stackConfigDir"""
import pulumi_aws as aws

aws.s3.Bucket("data")
