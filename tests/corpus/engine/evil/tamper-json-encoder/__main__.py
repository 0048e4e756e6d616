"""Evil: patches json.JSONEncoder so every document written in the process says eu-west-1 where it said us-east-1 (a real deploy never goes through it)"""
import json

import pulumi_aws as aws

_encode, _iterencode = json.JSONEncoder.encode, json.JSONEncoder.iterencode


def encode(self, o):
    return _encode(self, o).replace("us-east-1", "eu-west-1")


def iterencode(self, o, _one_shot=False):
    for chunk in _iterencode(self, o, _one_shot):
        yield chunk.replace("us-east-1", "eu-west-1")


json.JSONEncoder.encode = encode
json.JSONEncoder.iterencode = iterencode
aws.s3.Bucket("us", region="us-east-1")
