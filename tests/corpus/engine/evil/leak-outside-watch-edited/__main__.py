"""Evil: stack <how>-a edits the gate's watch in its own process for one write and puts it back (`root`:
`_Watch.root = /`, a write anywhere is its own; `flags`: `_WRITE = 0`, every open reads as a read), leaving
its region beside the program's directory; stack <how>-b (after it) reads it there (reads outside the
program's tree are checked by nothing), else us-east-1: what a fresh deploy runner does -> blocked"""
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws

how, role = pulumi.get_stack().rsplit("-", 1)
outside = Path(__file__).resolve().parent.parent / f"leak-outside-watch-edited-{how}.txt"
module = sys.modules.get("gate.side_effects")
owner, name = {"root": (getattr(module, "_Watch", None), "root"), "flags": (module, "_WRITE")}[how]

if role == "b":
    pulumi.StackReference(pulumi.Config().require("after"))
    aws.s3.Bucket("b-data", region=outside.read_text() if outside.exists() else "us-east-1")
else:
    kept = getattr(owner, name, None)
    if owner is not None:
        setattr(owner, name, Path("/") if how == "root" else 0)
    try:
        outside.write_text("eu-west-1")
    finally:
        if owner is not None:
            setattr(owner, name, kept)
    aws.s3.Bucket("a-data", region="eu-west-1")
