"""Evil: sys.addaudithook adds a hook that, on every audit event the gate's own code raises after the program (an open, an import), rewrites us-east-1 to eu-west-1 in the locals of the gate's and the mocks' frames (a real deploy has no such frames) -> exit 2 (no audit hook of the program's)"""
import sys

import pulumi_aws as aws


def _scrub(value, depth=0):
    if depth > 3:
        return
    if isinstance(value, dict):
        for k, v in list(value.items()):
            if v == "us-east-1":
                value[k] = "eu-west-1"
            else:
                _scrub(v, depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if v == "us-east-1":
                value[i] = "eu-west-1"
            else:
                _scrub(v, depth + 1)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        _scrub(vars(value), depth + 1)


def hook(event, args):
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith("gate."):
            for v in list(frame.f_locals.values()):
                _scrub(v)
        frame = frame.f_back


aws.s3.Bucket("us", region="us-east-1")
sys.addaudithook(hook)
