"""Evil: run with --out build/gate inside the program's directory (the README's main job does): stack a makes
a fresh `posix` module from its spec (no audit event) and with its real `mknod` leaves an empty file named
after its region in --out, where the write fence allows it (the program's directory) and round 45's walk
after the recordings did not look (the gate's own directories); stack b (after it) asks whether it is there
(the gate's output directory is no other recording's to write), else us-east-1 -> blocked"""
import importlib.util
import stat
from pathlib import Path

import pulumi
import pulumi_aws as aws

node = Path(__file__).resolve().parent / "build" / "gate" / "leak-eu-west-1"


def unheard_posix():
    found = importlib.util.find_spec("posix")
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return module


if pulumi.get_stack() == "a":
    try:
        unheard_posix().mknod(str(node), 0o600 | stat.S_IFREG)
    except FileExistsError:   # the update, after its preview
        pass
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    aws.s3.Bucket("b-data", region="eu-west-1" if node.exists() else "us-east-1")
