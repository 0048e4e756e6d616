"""Evil: the stack config takes its replica region through a YAML merge key (<<: *us), which the Pulumi CLI resolves -> require-eea-location (or exit 2)"""
import pulumi
import pulumi_aws as aws

region = pulumi.Config().get("replicaRegion") or "eu-west-1"
aws.s3.Bucket("replica", region=region)
