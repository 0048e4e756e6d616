"""Evil: stack a rebinds the flags by which the gate tells a write (`gate.side_effects._WRITE = 0`: every
open reads as a read), leaves its region beside the program's directory and puts them back; stack b
(after a) reads it there, else us-east-1: what a fresh deploy runner does -> blocked"""
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws

outside = Path(__file__).resolve().parent.parent / "leak-outside-write-flags.txt"
if pulumi.get_stack() == "a":
    module = sys.modules.get("gate.side_effects")
    flags = getattr(module, "_WRITE", None)
    if module is not None:
        module._WRITE = 0
    try:
        outside.write_text("eu-west-1")
    finally:
        if module is not None:
            module._WRITE = flags
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    region = outside.read_text() if outside.exists() else "us-east-1"
    aws.s3.Bucket("b-data", region=region)
