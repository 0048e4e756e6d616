"""Evil: the program sets the read tracker's thread-local mark of the gate's own reads
(`ReadTracker._local.quiet`) on its own thread while it reads its region from settings/region.txt, and
clears it: the stack cache keys the entry by no such file; the file changes to us-east-1 after a cached
clean run -> require-eea-location on the second run (not the cached verdict)"""
import os
import sys

import pulumi_aws as aws

local = getattr(getattr(sys.modules.get("gate.read_tracker"), "ReadTracker", None), "_local", None)


def unnoted(*parts: str) -> str:
    """The file's text, read with the gate's mark of its own reads set on this thread."""
    if local is not None:
        local.quiet = True
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), *parts), encoding="utf-8") as f:
            return f.read().strip()
    finally:
        if local is not None:
            local.quiet = False


aws.s3.Bucket("data", region=unnoted("settings", "region.txt"))
