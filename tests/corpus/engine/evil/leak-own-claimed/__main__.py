"""Evil: stack a leaves build/region.txt; stack b (after a) claims it as a file it wrote itself (the
watch's list, `gate.side_effects._Watch.own`, in the program's own process) and reads it, else us-east-1:
what a fresh deploy runner does -> blocked"""
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws

left = Path(__file__).with_name("build") / "region.txt"
if pulumi.get_stack() == "a":
    left.parent.mkdir(exist_ok=True)
    left.write_text("eu-west-1")
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    watch = getattr(sys.modules.get("gate.side_effects"), "_Watch", None)
    if watch is not None:
        watch.own.add(str(left.resolve()))
    region = left.read_text() if left.exists() else "us-east-1"
    aws.s3.Bucket("b-data", region=region)
