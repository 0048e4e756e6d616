"""Evil: two stacks that reference each other (a's bucket region comes from b, b's from a) -> exit 2 naming the cycle"""
import pulumi
import pulumi_aws as aws

other = pulumi.Config().require("peer")
ref = pulumi.StackReference(other)
region = ref.get_output("region").apply(lambda r: r or "eu-west-1")
aws.s3.Bucket("data", region=region)
pulumi.export("region", "us-east-1")
