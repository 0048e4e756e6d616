"""Evil: sys.setprofile/threading.setprofile rewrite us-east-1 to eu-west-1 in the arguments of every gate or mock function called (never in a real deploy, which has no such frames) -> require-eea-location (or exit 2 naming the hook)"""
import sys
import threading

import pulumi_aws as aws


def _scrub(value, depth=0):
    if depth > 6:
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


def hook(frame, event, arg):
    if event != "call":
        return
    module = frame.f_globals.get("__name__", "")
    if module.startswith(("gate", "pulumi.runtime.mocks")):
        for v in list(frame.f_locals.values()):
            _scrub(v)


sys.setprofile(hook)
threading.setprofile(hook)
aws.s3.Bucket("us", region="us-east-1")
