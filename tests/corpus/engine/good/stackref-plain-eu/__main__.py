"""Good: stack b takes its bucket region from stack a's plain output eu-west-1"""
import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    pulumi.export("region", "eu-west-1")
else:
    ref = pulumi.StackReference(f"organization/{pulumi.get_project()}/a")
    aws.s3.Bucket("copy", region=ref.require_output("region"))
