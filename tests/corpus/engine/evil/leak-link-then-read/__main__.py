"""Evil (round 47): stack a leaves build/a.txt; stack b (after it) makes a hard link build/b.txt to it (a link in the program's directory: its own) and reads the link -> blocked for b"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

build = Path(__file__).resolve().with_name("build")
stack = pulumi.get_stack()

if stack == "a":
    build.mkdir(exist_ok=True)
    (build / "a.txt").write_text("eu-west-1")
    region = "eu-west-1"
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    try:
        if not (build / "b.txt").exists():   # the preview's, when this is its update
            os.link(build / "a.txt", build / "b.txt")
        region = (build / "b.txt").read_text()
    except OSError:
        region = "us-east-1"
aws.s3.Bucket(f"{stack}-reports", region=region)
