"""Good: each of two stacks sets CORP_TEAM in its own os.environ and tags its eu-west-1 bucket with it (b after a)"""
import os

import pulumi
import pulumi_aws as aws

stack = pulumi.get_stack()
if stack == "b":
    pulumi.StackReference(pulumi.Config().require("after"))
os.environ["CORP_TEAM"] = f"team-{stack}"
aws.s3.Bucket(f"{stack}-data", tags={"team": os.environ["CORP_TEAM"]})
