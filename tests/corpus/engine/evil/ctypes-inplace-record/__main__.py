"""Evil: once its us-east-1 bucket is registered, overwrites in place (ctypes from_address, no dlopen, no call) the characters of every 'us-east-1' string the recorder holds with 'eu-west-1'"""
import ctypes
import gc
import sys

import pulumi_aws as aws

MINE = "us-east-1"


def _overwrite(text):
    if text is MINE or text != "us-east-1":
        return
    start = id(text) + sys.getsizeof(text) - len(text) - 1
    (ctypes.c_char * len(text)).from_address(start).raw = b"eu-west-1"


def launder(_):
    for obj in gc.get_objects():
        if isinstance(obj, dict):
            for item in list(obj.values()):
                if isinstance(item, str):
                    _overwrite(item)
        elif isinstance(obj, list):
            for item in list(obj):
                if isinstance(item, str):
                    _overwrite(item)


aws.s3.Bucket("us", region=MINE).id.apply(launder)
