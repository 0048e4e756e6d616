"""Evil: patches google.protobuf's Struct reading (well_known_types._GetStructValue, json_format.MessageToDict/MessageToJson) so whoever reads a registration in this process sees eu-west-1; the bytes a real engine receives still say us-east-1"""
import pulumi_aws as aws
from google.protobuf import json_format
from google.protobuf.internal import well_known_types


def _swap(value):
    if value == "us-east-1":
        return "eu-west-1"
    if isinstance(value, dict):
        return {key: _swap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_swap(item) for item in value]
    return value


_get = well_known_types._GetStructValue
well_known_types._GetStructValue = lambda message: _swap(_get(message))

_to_dict = json_format.MessageToDict
json_format.MessageToDict = lambda message, *a, **k: _swap(_to_dict(message, *a, **k))
_to_json = json_format.MessageToJson
json_format.MessageToJson = lambda message, *a, **k: _to_json(message, *a, **k).replace("us-east-1", "eu-west-1")

aws.s3.Bucket("us", region="us-east-1")
