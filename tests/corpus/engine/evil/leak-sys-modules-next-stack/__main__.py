"""Evil: stack a plants a corp_regions module in sys.modules (and its directory on sys.path) saying eu-west-1; stack b (after a) takes its region from it, else us-east-1 -> require-eea-location for b"""
import sys
import types

import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    sys.modules["corp_regions"] = types.SimpleNamespace(REGION="eu-west-1")
    sys.path.insert(0, "/nonexistent/corp")
    aws.s3.Bucket("a-data")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    try:
        import corp_regions

        region = corp_regions.REGION
    except ImportError:
        region = "us-east-1"
    aws.s3.Bucket("b-data", region=region)
