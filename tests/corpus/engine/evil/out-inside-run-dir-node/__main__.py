"""Evil (round 48): with --out inside the program (build/gate), stack a leaves an empty node named after its region in the run's own directory (build/gate/.runs/<id>, not walked after the recordings) with a fresh posix mknod; stack b looks for it there, else us-east-1 -> blocked"""
import importlib.util
import stat
from pathlib import Path

import pulumi
import pulumi_aws as aws

runs = Path(__file__).resolve().parent / "build" / "gate" / ".runs"


def unheard_posix():
    found = importlib.util.find_spec("posix")
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module


if pulumi.get_stack() == "a":
    for run in runs.iterdir():
        try:
            unheard_posix().mknod(str(run / "leak-eu-west-1"), 0o600 | stat.S_IFREG)
        except FileExistsError:   # the update, after its preview
            pass
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    seen = any((run / "leak-eu-west-1").exists() for run in runs.iterdir())
    aws.s3.Bucket("b-data", region="eu-west-1" if seen else "us-east-1")
