"""Evil: stack a edits the installed audit hook's bound helpers (`gate.side_effects._hook.__defaults__`:
the same function object, so no replaced function is seen), writes its region beside the program's
directory and puts them back; stack b (after a) reads it there, else us-east-1 -> blocked"""
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws

outside = Path(__file__).resolve().parent.parent / "leak-outside-hook-defaults.txt"
if pulumi.get_stack() == "a":
    hook = getattr(sys.modules.get("gate.side_effects"), "_hook", None)
    defaults = hook.__defaults__ if hook is not None else None
    if hook is not None:
        hook.__defaults__ = (*defaults[:2], lambda event, args: None, *defaults[3:])
    try:
        outside.write_text("eu-west-1")
    finally:
        if hook is not None:
            hook.__defaults__ = defaults
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    region = outside.read_text() if outside.exists() else "us-east-1"
    aws.s3.Bucket("b-data", region=region)
