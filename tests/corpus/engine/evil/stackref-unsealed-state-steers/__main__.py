# variant (round 13, written after the fix): an earlier run's state of stack a, edited and left with no seal (run.json removed), answers b's StackReference with an empty DR site -> unresolved-stack-reference
"""Evil: stack b registers a us-east-1 copy only when stack a exports a DR site; a's state in --out is edited to export none."""
import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    aws.s3.Bucket("records", region="eu-west-1")
    pulumi.export("drSite", "virginia")
else:
    aws.s3.Bucket("records", region="eu-west-1")
    ref = pulumi.StackReference(f"organization/{pulumi.get_project()}/a")
    ref.get_output("drSite").apply(
        lambda site: aws.s3.Bucket("dr-copy", region="us-east-1").id if site else None)
