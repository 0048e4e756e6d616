"""Evil: stack b takes its bucket region from stack a's secret output us-east-1 -> require-eea-location"""
import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    pulumi.export("region", pulumi.Output.secret("us-east-1"))
else:
    ref = pulumi.StackReference(f"organization/{pulumi.get_project()}/a")
    aws.s3.Bucket("copy", region=ref.require_output("region"))
