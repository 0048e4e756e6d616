"""Good: a gc.callbacks hook that only counts collections and a profile hook left off again; everything in eu-west-1"""
import gc
import sys

import pulumi
import pulumi_aws as aws

collections = {"n": 0}


def count(phase, info):
    if phase == "stop":
        collections["n"] += 1


gc.callbacks.append(count)
sys.setprofile(None)
aws.s3.Bucket("eu")
gc.collect()
pulumi.export("collections_seen", collections["n"] > 0)
