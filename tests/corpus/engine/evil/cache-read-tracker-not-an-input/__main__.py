"""Evil: the program reads its region from settings/region.txt inside the read tracker's context for the
gate's own reads (`ReadTracker.not_an_input`, the run seal's): the stack cache keys the entry by no such
file; the file changes to us-east-1 after a cached clean run -> require-eea-location on the second run"""
import contextlib
import os
import sys

import pulumi_aws as aws

tracker = getattr(sys.modules.get("gate.read_tracker"), "ReadTracker", None)
with tracker.not_an_input() if tracker is not None else contextlib.nullcontext():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "settings", "region.txt"), encoding="utf-8") as f:
        region = f.read().strip()
aws.s3.Bucket("data", region=region)
