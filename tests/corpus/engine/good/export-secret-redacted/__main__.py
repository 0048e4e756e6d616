"""Good: exports a secret and logs it through an apply; the value appears nowhere in the output, reports or states"""
import pulumi
import pulumi_aws as aws

token = pulumi.Output.secret("corpus-r3-exported-4410")
aws.s3.Bucket("data", tags={"ref": token})
token.apply(lambda t: pulumi.log.warn("token ready: " + t))
pulumi.export("token", token)
