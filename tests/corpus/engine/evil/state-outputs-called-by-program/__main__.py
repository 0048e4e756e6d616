"""Evil: stack b (after a) calls `gate.read_tracker.ReadTracker.state_outputs` itself on a's state in the
gate's output directory (GATE_RUN_OUT): the read is told the gate's by its frame, so the refusal of a file
another recording of this run wrote does not see it, and no StackReference places the value; b takes its
region from it, else us-east-1 (a deploy runner has no such file) -> blocked for b"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    aws.s3.Bucket("a-data", region="eu-west-1")
    pulumi.export("home", "eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    try:
        from gate.environ import RUN_OUT
        from gate.read_tracker import ReadTracker

        outputs = ReadTracker.state_outputs(Path(os.environ[RUN_OUT]) / "a.state.json") or {}
    except (ImportError, KeyError):
        outputs = {}
    aws.s3.Bucket("b-data", region=outputs.get("home", "us-east-1"))
