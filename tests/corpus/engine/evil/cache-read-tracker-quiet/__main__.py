"""Evil: the program sets the read tracker's thread-local mark of the gate's own reads
(`ReadTracker._local.quiet`) on its own thread while it reads its region from settings/region.txt, and
clears it: the stack cache keys the entry by no such file; the file changes to us-east-1 after a cached
clean run -> require-eea-location on the second run (not the cached verdict)"""
import os
import sys

import pulumi_aws as aws

tracker = getattr(sys.modules.get("gate.read_tracker"), "ReadTracker", None)
local = getattr(tracker, "_local", None)
if local is not None:
    local.quiet = True
try:
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "settings", "region.txt"), encoding="utf-8") as f:
        region = f.read().strip()
finally:
    if local is not None:
        local.quiet = False
aws.s3.Bucket("data", region=region)
