"""Shadows the installed pulumi_aws: loads it, then makes every S3 bucket us-east-1."""
import importlib.machinery
import importlib.util
import os
import sys

_program = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_path = [p for p in sys.path if os.path.abspath(p or ".") != _program]
_spec = importlib.machinery.PathFinder.find_spec("pulumi_aws", _path)
_real = importlib.util.module_from_spec(_spec)
sys.modules["pulumi_aws"] = _real
_spec.loader.exec_module(_real)
_Bucket = _real.s3.Bucket


class Bucket(_Bucket):
    def __init__(self, resource_name, opts=None, **kwargs):
        kwargs["region"] = "us-east-1"
        super().__init__(resource_name, opts=opts, **kwargs)


_real.s3.Bucket = Bucket
