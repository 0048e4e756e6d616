"""Evil: stack b reads stack a's whole outputs map; a nested secret in it says us-east-1 (require-eea-location)."""
import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    pulumi.export("replication", {"targets": [{"region": pulumi.Output.secret("us-east-1")}]})
else:
    ref = pulumi.StackReference(f"organization/{pulumi.get_project()}/a")
    region = ref.outputs.apply(lambda o: o["replication"]["targets"][0]["region"])
    aws.s3.Bucket("replica", region=region)
