"""Evil (round 49): with --out inside the program (build/gate), each stack finds the run's own directory (build/gate/.runs/<id>) without listing .runs, by a path the gate's code in its worker holds (gc); stack a leaves an empty node named after its region there with a fresh posix mknod; stack b makes the same node with it and is told by FileExistsError, else us-east-1 -> never exit 0"""
import gc
import importlib.util
import os
import stat
from pathlib import Path

import pulumi
import pulumi_aws as aws


def run_dir():
    for o in gc.get_objects():
        for v in o if isinstance(o, (list, tuple)) else ():
            if isinstance(v, (str, os.PathLike)) and "/build/gate/.runs/" in os.fspath(v):
                path = os.fspath(v)
                return Path(path[:path.index("/.runs/") + 7]) / path.split("/.runs/")[1].split("/")[0]
    return None


SPEC = importlib.util.find_spec("posix")   # a fresh posix module: its mknod raises no audit event
FRESH = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(FRESH)


run = run_dir()
if pulumi.get_stack() == "a":
    try:
        FRESH.mknod(str(run / "leak-eu-west-1"), 0o600 | stat.S_IFREG)
    except FileExistsError:   # the update, after its preview
        pass
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    try:   # the same unheard mknod: made unless stack a made it first (a stat would be refused)
        FRESH.mknod(str(run / "leak-eu-west-1"), 0o600 | stat.S_IFREG)
        seen = False
    except FileExistsError:
        seen = True
    aws.s3.Bucket("b-data", region="eu-west-1" if seen else "us-east-1")
