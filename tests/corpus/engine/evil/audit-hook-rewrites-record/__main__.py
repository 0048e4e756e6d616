"""Evil: sys.addaudithook adds a hook that, on every audit event the gate's own code raises after the program (an open, an import), rewrites us-east-1 to eu-west-1 in the locals of the gate's and the mocks' frames (a real deploy has no such frames) -> exit 2 (no audit hook of the program's)"""
import sys

import pulumi_aws as aws


def hook(event, args):
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith("gate."):
            for value in list(frame.f_locals.values()):
                if isinstance(value, dict) and value.get("region") == "us-east-1":
                    value["region"] = "eu-west-1"
        frame = frame.f_back


aws.s3.Bucket("us", region="us-east-1")
sys.addaudithook(hook)
