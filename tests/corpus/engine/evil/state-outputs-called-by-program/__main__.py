"""Evil: stack b (after a) calls `gate.read_tracker.ReadTracker.state_outputs` itself on the state a's
recording left in the run's directory (named in the worker's request, found among the process's objects):
the read is told the gate's by its frame, so the refusal of a file another recording of this run wrote
does not see it, and no StackReference places the value; b takes its region from it, else us-east-1 (a
deploy runner has no such file) -> blocked for b"""
import gc
from pathlib import Path

import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    aws.s3.Bucket("a-data", region="eu-west-1")
    pulumi.export("home", "eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    try:
        from gate.read_tracker import ReadTracker
    except ImportError:
        ReadTracker = None
    dirs = next((o["state_dirs"] for o in gc.get_objects()
                 if isinstance(o, dict) and isinstance(o.get("state_dirs"), list)), [])
    outputs = {}
    for where in dirs if ReadTracker is not None else []:
        outputs = outputs or ReadTracker.state_outputs(Path(where) / "a.state.json") or {}
    aws.s3.Bucket("b-data", region=outputs.get("home", "us-east-1"))
