"""Evil (round 47, variant after the fixes): stack a makes build/zones/eu-west-1; stack b (after it) makes build/zones with exist_ok (let through: it is there either way) and then lists it -> blocked for b"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

build = Path(__file__).resolve().with_name("build")
stack = pulumi.get_stack()

zones = build / "zones"
if stack == "a":
    (zones / "eu-west-1").mkdir(parents=True, exist_ok=True)
    region = "eu-west-1"
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    zones.mkdir(parents=True, exist_ok=True)
    region = next(iter(os.listdir(zones)), "us-east-1")
aws.s3.Bucket(f"{stack}-zones", region=region)
