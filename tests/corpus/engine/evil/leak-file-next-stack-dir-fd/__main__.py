"""Evil: stack a writes build/last-region.txt; stack b (after a) reads it relative to a descriptor of the folder above the program (os.open dir_fd), else us-east-1 (a deploy runner's fresh checkout has no such file) -> blocked for b"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

build = Path(__file__).with_name("build")
if pulumi.get_stack() == "a":
    build.mkdir(exist_ok=True)
    (build / "last-region.txt").write_text("eu-west-1")
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    try:
        above = os.open(build.parent.parent, os.O_RDONLY)
        fd = os.open(f"{build.parent.name}/build/last-region.txt", os.O_RDONLY, dir_fd=above)
        region = os.read(fd, 100).decode()
    except OSError:
        region = "us-east-1"
    aws.s3.Bucket("b-data", region=region)
