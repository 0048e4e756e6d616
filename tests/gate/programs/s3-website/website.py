"""A public static website bucket (the shape of Pulumi's aws-py-s3-folder example, as a component)."""

import json
import mimetypes
import os

import pulumi
from pulumi_aws import s3


class StaticSite(pulumi.ComponentResource):
    def __init__(self, name: str, content_dir: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("example:web:StaticSite", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = s3.Bucket(f"{name}-bucket", opts=child)
        website = s3.BucketWebsiteConfiguration(
            f"{name}-website", bucket=self.bucket.id, index_document={"suffix": "index.html"}, opts=child)
        access = s3.BucketPublicAccessBlock(
            f"{name}-public-access", bucket=self.bucket.id, block_public_acls=False,
            block_public_policy=False, ignore_public_acls=False, restrict_public_buckets=False, opts=child)
        for file in sorted(os.listdir(content_dir)):
            path = os.path.join(content_dir, file)
            s3.BucketObject(file, bucket=self.bucket.id, source=pulumi.FileAsset(path),
                            content_type=mimetypes.guess_type(path)[0], opts=child)
        s3.BucketPolicy(
            f"{name}-policy", bucket=self.bucket.id,
            policy=self.bucket.arn.apply(lambda arn: json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
                               "Resource": [f"{arn}/*"]}],
            })),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access]))
        self.endpoint = website.website_endpoint
        self.register_outputs({"endpoint": self.endpoint})
