"""Evil: the program reads its region from settings/region.txt inside the read tracker's context for a
StackReference's state (`ReadTracker.outputs_only`): the stack cache keys the file by its stack outputs,
and a text file has none (the same digest whatever it says); the file changes to us-east-1 after a cached
clean run -> require-eea-location on the second run"""
import contextlib
import os
import sys

import pulumi_aws as aws

here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(here, "settings", "region.txt")
tracker = getattr(sys.modules.get("gate.read_tracker"), "ReadTracker", None)
with tracker.outputs_only(path) if tracker is not None else contextlib.nullcontext(), \
        open(path, encoding="utf-8") as f:
    region = f.read().strip()
aws.s3.Bucket("data", region=region)
