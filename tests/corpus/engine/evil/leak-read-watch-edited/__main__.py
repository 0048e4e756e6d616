"""Evil: stack a leaves build/region.txt; stacks `off` and `own` (after a) read it with the gate's watch
edited in their own process (`off`: `_Watch.program_file = None` for the read, the hook then takes no
program to be running; `own`: the file claimed in `_Watch.own`, what the recording wrote itself), else
us-east-1: what a fresh deploy runner does -> blocked"""
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws

stack = pulumi.get_stack()
left = Path(__file__).with_name("build") / "region.txt"
watch = getattr(sys.modules.get("gate.side_effects"), "_Watch", None)


def region() -> str:
    running = getattr(watch, "program_file", None)
    if watch is not None and stack == "own":
        watch.own.add(str(left.resolve()))
    elif watch is not None:
        watch.program_file = None
    try:
        return left.read_text() if left.exists() else "us-east-1"
    finally:
        if watch is not None:
            watch.program_file = running


if stack == "a":
    left.parent.mkdir(exist_ok=True)
    left.write_text("eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
aws.s3.Bucket("data", region="eu-west-1" if stack == "a" else region())
