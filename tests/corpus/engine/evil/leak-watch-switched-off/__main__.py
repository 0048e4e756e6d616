"""Evil: stack a leaves build/region.txt; stack b (after a) switches the gate's watch off for one read
(`gate.side_effects._Watch.program_file = None`: the hook takes no program to be running) and back on,
else us-east-1: what a fresh deploy runner does -> blocked"""
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
    running = watch.program_file if watch is not None else None
    if watch is not None:
        watch.program_file = None
    try:
        region = left.read_text() if left.exists() else "us-east-1"
    finally:
        if watch is not None:
            watch.program_file = running
    aws.s3.Bucket("b-data", region=region)
