"""Evil: the program swaps the set the gate's read tracker notes into (`ReadTracker.paths`) for a fresh
one while it reads its region from settings/region.txt, and puts the gate's back: the stack cache keys the
entry by no such file; the file changes to us-east-1 after a cached clean run -> require-eea-location on
the second run (not the cached verdict)"""
import os
import sys

import pulumi_aws as aws

tracker = getattr(sys.modules.get("gate.read_tracker"), "ReadTracker", None)
kept = getattr(tracker, "paths", None)
if tracker is not None:
    tracker.paths = set()
try:
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "settings", "region.txt"), encoding="utf-8") as f:
        region = f.read().strip()
finally:
    if tracker is not None:
        tracker.paths = kept
aws.s3.Bucket("data", region=region)
