"""Evil (round 47): stack a makes build/regions/eu-west-1; stack b (after it) tries os.mkdir(build/regions) (the attempt makes the directory the recording's own even when it fails) and lists it -> blocked for b"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

build = Path(__file__).resolve().with_name("build")
stack = pulumi.get_stack()

regions = build / "regions"
if stack == "a":
    (regions / "eu-west-1").mkdir(parents=True, exist_ok=True)
    region = "eu-west-1"
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    try:
        os.mkdir(regions)
    except FileExistsError:
        pass
    region = (os.listdir(regions) or ["us-east-1"])[0]
aws.s3.Bucket(f"{stack}-exports", region=region)
