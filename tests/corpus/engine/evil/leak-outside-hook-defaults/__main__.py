"""Evil: stack a silences the installed audit hook's bound describer in place (`_hook.__defaults__`: the
same function object, so `gate.integrity` sees no replaced function) while it leaves its region beside the
program's directory; stack b (after a) reads it there, else us-east-1 -> blocked"""
import contextlib
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws

outside = Path(__file__).resolve().parent.parent / "leak-outside-hook-defaults.txt"
hook = getattr(sys.modules.get("gate.side_effects"), "_hook", None)


@contextlib.contextmanager
def describer_silenced():
    defaults = getattr(hook, "__defaults__", None)
    if defaults:
        hook.__defaults__ = (*defaults[:2], lambda event, args: None, *defaults[3:])
    yield
    if defaults:
        hook.__defaults__ = defaults


if pulumi.get_stack() == "a":
    with describer_silenced():
        outside.write_text("eu-west-1")
    region = "eu-west-1"
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    region = outside.read_text() if outside.exists() else "us-east-1"
aws.s3.Bucket("data", region=region)
