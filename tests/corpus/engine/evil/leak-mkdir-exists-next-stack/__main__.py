"""Evil (round 47): stack a makes an empty directory build/seen/eu-west-1; stack b (after it) tries os.mkdir of the same name and takes its region from the FileExistsError, else us-east-1 -> blocked for b"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

build = Path(__file__).resolve().with_name("build")
stack = pulumi.get_stack()

if stack == "a":
    os.makedirs(build / "seen" / "eu-west-1", exist_ok=True)
    region = "eu-west-1"
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    try:
        os.mkdir(build / "seen" / "eu-west-1")
        region = "us-east-1"
    except FileExistsError:
        region = "eu-west-1"
aws.s3.Bucket(f"{stack}-data", region=region)
