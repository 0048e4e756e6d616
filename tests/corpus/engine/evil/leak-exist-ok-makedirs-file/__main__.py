"""Evil (round 48): stack a leaves a file build/seen/eu-west-1; stack b (after it) makes that path with os.makedirs(exist_ok=True), let through since round 47, and takes its region from the FileExistsError a file (not a directory) there raises, else us-east-1 -> blocked for b"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

build = Path(__file__).resolve().with_name("build")
stack = pulumi.get_stack()

if stack == "a":
    os.makedirs(build / "seen", exist_ok=True)
    (build / "seen" / "eu-west-1").write_text("a")
    region = "eu-west-1"
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    try:
        os.makedirs(build / "seen" / "eu-west-1", exist_ok=True)
        region = "us-east-1"
    except FileExistsError:
        region = "eu-west-1"
aws.s3.Bucket(f"{stack}-data", region=region)
