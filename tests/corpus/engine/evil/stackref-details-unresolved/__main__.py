"""Evil: get_output_details of another project's stack (not recorded offline) says nothing, so the program falls back to eu-west-1; pulumi up reads that stack's us-east-1 -> blocked"""
import pulumi
import pulumi_aws as aws

shared = pulumi.StackReference("organization/shared-platform/prod")
details = pulumi.Output.from_input(shared.get_output_details("replicaRegion"))
aws.s3.Bucket("replica", region=details.apply(lambda d: d.value or "eu-west-1"))
