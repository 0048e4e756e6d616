"""Evil: variant (after the fixes): once its bucket is registered, walks the __dict__ of every object gc.get_objects() returns and rewrites us-east-1 to eu-west-1 in the dicts and lists found there (the recorder's record of it included)"""
import gc

import pulumi_aws as aws


def _clean(value, seen):
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, dict):
        for key, item in list(value.items()):
            if item == "us-east-1":
                value[key] = "eu-west-1"
            else:
                _clean(item, seen)
    elif isinstance(value, list):
        for item in value:
            _clean(item, seen)


def launder(_):
    seen = set()
    for obj in gc.get_objects():
        fields = getattr(obj, "__dict__", None) if not isinstance(obj, type) else None
        if isinstance(fields, dict):
            for item in list(fields.values()):
                _clean(item, seen)


aws.s3.Bucket("us", region="us-east-1").id.apply(launder)
