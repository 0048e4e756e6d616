"""Evil: stack a sets the gate's watch root to `/` (a write outside the program's directory is then its own),
leaves its region beside the program's directory and sets the root back; stack b (after a) reads it there
(reads outside the program's tree are checked by nothing), else us-east-1: what a fresh deploy runner
does -> blocked"""
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws

outside = Path(__file__).resolve().parent.parent / "leak-outside-watch-root.txt"
if pulumi.get_stack() == "a":
    watch = getattr(sys.modules.get("gate.side_effects"), "_Watch", None)
    root = watch.root if watch is not None else None
    if watch is not None:
        watch.root = Path("/")
    try:
        outside.write_text("eu-west-1")
    finally:
        if watch is not None:
            watch.root = root
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    region = outside.read_text() if outside.exists() else "us-east-1"
    aws.s3.Bucket("b-data", region=region)
