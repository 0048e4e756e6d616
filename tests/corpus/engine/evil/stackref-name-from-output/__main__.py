"""Evil: stack b names the stack it references with an Output (Output.concat), not a string; stack a's plain output says us-east-1 (require-eea-location)."""
import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    aws.s3.Bucket("primary")
    pulumi.export("dr_region", "us-east-1")
else:
    name = pulumi.Output.concat("organization/", pulumi.get_project(), "/", "a")
    ref = pulumi.StackReference("primary", stack_name=name)
    aws.s3.Bucket("dr", region=ref.get_output("dr_region"))
