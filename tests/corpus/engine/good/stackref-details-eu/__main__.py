"""Good: stack b reads stack a outputs with get_output_details (a plain region and a retention), all eu-west-1"""
import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    pulumi.export("region", "eu-west-1")
    pulumi.export("retentionDays", 90)
else:
    ref = pulumi.StackReference(f"organization/{pulumi.get_project()}/a")
    region = pulumi.Output.from_input(ref.get_output_details("region")).apply(lambda d: d.value)
    days = pulumi.Output.from_input(ref.get_output_details("retentionDays")).apply(lambda d: int(d.value))
    aws.s3.Bucket("copy", region=region)
    aws.cloudwatch.LogGroup("audit", retention_in_days=days)
