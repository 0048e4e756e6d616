"""Evil: once its us-east-1 bucket is registered, walks everything reachable from pulumi.runtime.settings.SETTINGS.monitor (the object the SDK sends registrations to) and rewrites us-east-1 to eu-west-1 in the dicts, lists and protobuf Structs it holds"""
import pulumi_aws as aws
from google.protobuf import struct_pb2
from pulumi.runtime import settings


def _walk(value, seen, depth=0):
    if id(value) in seen or depth > 12 or isinstance(value, (str, bytes, int, float, type(None))):
        return
    seen.add(id(value))
    if isinstance(value, struct_pb2.Struct):
        for key in list(value.keys()):
            if value[key] == "us-east-1":
                value[key] = "eu-west-1"
            else:
                _walk(value[key], seen, depth + 1)
    elif isinstance(value, dict):
        for key, item in list(value.items()):
            if item == "us-east-1":
                value[key] = "eu-west-1"
            else:
                _walk(item, seen, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if item == "us-east-1":
                value[index] = "eu-west-1"
            else:
                _walk(item, seen, depth + 1)
    elif isinstance(value, (tuple, set, frozenset)):
        for item in value:
            _walk(item, seen, depth + 1)
    else:
        fields = getattr(value, "__dict__", None)
        if isinstance(fields, dict) and not isinstance(value, type):
            _walk(fields, seen, depth + 1)


def launder(_):
    _walk(settings.SETTINGS.monitor, set())
    _walk(getattr(settings.SETTINGS, "engine", None), set())


aws.s3.Bucket("us", region="us-east-1").id.apply(launder)
