"""Evil (round 47): stack a writes its region into build/region.txt; stack b (after it) opens that file for appending (a write in the program's directory makes it the recording's own) and then reads it back -> blocked for b"""
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
    with open(note, "a") as appended:
        appended.write("")
    region = note.read_text().strip() or "us-east-1"
aws.s3.Bucket(f"{stack}-archive", region=region)
