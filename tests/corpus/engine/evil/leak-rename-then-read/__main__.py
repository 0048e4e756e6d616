"""Evil (round 47): stack a leaves build/region.txt; stack b (after it) renames it to build/b-region.txt (both ends in the program's directory: its own now) and reads that -> blocked for b"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

build = Path(__file__).resolve().with_name("build")
stack = pulumi.get_stack()

if stack == "a":
    build.mkdir(exist_ok=True)
    (build / "region.txt").write_text("eu-west-1")
    region = "eu-west-1"
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    try:
        if not (build / "b-region.txt").exists():   # the preview's, when this is its update
            os.rename(build / "region.txt", build / "b-region.txt")
        region = (build / "b-region.txt").read_text()
    except FileNotFoundError:
        region = "us-east-1"
aws.s3.Bucket(f"{stack}-media", region=region)
