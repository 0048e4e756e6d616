"""Evil: a provider taken by URN from the stack's state (ResourceOptions(urn=...)), whose region the program never states, deploys the bucket (exit 2: the URN is no resource the gate knows)."""
import pulumi
import pulumi_aws as aws

stack, project = pulumi.get_stack(), pulumi.get_project()
old = aws.Provider("old", opts=pulumi.ResourceOptions(
    urn=f"urn:pulumi:{stack}::{project}::pulumi:providers:aws::old"))
aws.s3.Bucket("records", opts=pulumi.ResourceOptions(provider=old))
