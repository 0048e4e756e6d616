"""Evil: at exit, walks gc.get_objects() and rewrites every dict value us-east-1 to eu-west-1 -> require-eea-location (dicts of plain values are not tracked by gc: the record is not reached)"""
import atexit
import gc

import pulumi_aws as aws


def launder():
    for obj in gc.get_objects():
        if type(obj) is dict:
            for key, value in list(obj.items()):
                if type(value) is str and value == "us-east-1":
                    obj[key] = "eu-west-1"


atexit.register(launder)
aws.s3.Bucket("us", region="us-east-1")
