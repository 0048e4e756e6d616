"""Good: a component with children, a tag transform, invokes (region, caller identity, IAM policy document), a read of an existing bucket, a resource created in apply and stack outputs, all in eu-west-1"""
import json

import pulumi
import pulumi_aws as aws


def tag(args: pulumi.ResourceTransformArgs):
    if args.custom and args.type_ == "aws:s3/bucket:Bucket":
        tags = {**(args.props.get("tags") or {}), "owner": "dosis"}
        return pulumi.ResourceTransformResult({**args.props, "tags": tags}, args.opts)
    return None


pulumi.runtime.register_resource_transform(tag)


class Archive(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("dosis:storage:Archive", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(f"{name}-data", region="eu-west-1", opts=child)
        aws.s3.BucketPublicAccessBlock(f"{name}-pab", bucket=self.bucket.id, block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=True,
                                       restrict_public_buckets=True, opts=child)
        self.register_outputs({"bucket": self.bucket.id})


region = aws.get_region()
identity = aws.get_caller_identity()
archive = Archive("archive")
existing = aws.s3.Bucket.get("existing", "dosis-existing-eu")


def tls_only(arn: str) -> aws.s3.BucketPolicy:
    doc = aws.iam.get_policy_document(statements=[{
        "sid": f"TlsOnly{identity.account_id}",
        "effect": "Deny",
        "actions": ["s3:*"],
        "resources": [arn, f"{arn}/*"],
        "principals": [{"type": "*", "identifiers": ["*"]}],
        "conditions": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
    }])
    return aws.s3.BucketPolicy("archive-policy", bucket=archive.bucket.id, policy=doc.json)


archive.bucket.arn.apply(tls_only)
pulumi.log.info(json.dumps({"region": region.region}))
pulumi.export("bucket", archive.bucket.id)
pulumi.export("existing", existing.arn)
