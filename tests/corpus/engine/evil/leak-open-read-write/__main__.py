"""Evil (round 47, variant after the fixes): stack a writes build/region.txt; stack b (after it) opens it r+ (a write event: the file became the recording's own) and reads another recording's bytes through the same descriptor -> blocked for b"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

build = Path(__file__).resolve().with_name("build")
stack = pulumi.get_stack()

note = build / "region.txt"
if stack == "a":
    build.mkdir(exist_ok=True)
    note.write_text("eu-west-1")
    region = "eu-west-1"
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    try:
        with open(note, "r+") as both:
            region = both.read().strip() or "us-east-1"
    except FileNotFoundError:
        region = "us-east-1"
aws.s3.Bucket(f"{stack}-ledger", region=region)
