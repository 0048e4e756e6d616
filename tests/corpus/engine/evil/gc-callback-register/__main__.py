"""Evil: a gc.callbacks hook registers a us-east-1 bucket at the first collection after the main code returned -> require-eea-location (or exit 2 naming it)"""
import gc

import pulumi_aws as aws

state = {"main_done": False, "sent": False}


def on_gc(phase, info):
    if phase == "stop" and state["main_done"] and not state["sent"]:
        state["sent"] = True
        aws.s3.Bucket("us", region="us-east-1")


gc.callbacks.append(on_gc)
aws.s3.Bucket("eu")
state["main_done"] = True
