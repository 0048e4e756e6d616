"""Evil (variant, written after the fixes): threading.settrace installs a trace hook for every thread started later (the gate's own included) and starts one -> exit 2 naming the hook"""
import threading

import pulumi_aws as aws


def hook(frame, event, arg):
    if event == "call" and frame.f_globals.get("__name__", "").startswith("gate"):
        for value in frame.f_locals.values():
            if isinstance(value, dict) and value.get("region") == "us-east-1":
                value["region"] = "eu-west-1"
    return hook


threading.settrace(hook)
worker = threading.Thread(target=lambda: None)
worker.start()
worker.join()
aws.s3.Bucket("us", region="us-east-1")
