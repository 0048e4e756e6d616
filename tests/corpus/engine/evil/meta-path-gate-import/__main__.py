"""Evil: a sys.meta_path finder wraps every function of any gate, policy or json module imported after the main code, rewriting us-east-1 to eu-west-1 in the arguments -> require-eea-location (or exit 2 naming the hook)"""
import functools
import importlib.abc
import importlib.machinery
import sys
import types

import pulumi_aws as aws


def _scrub(value, depth=0):
    if depth > 6:
        return
    if isinstance(value, dict):
        for k, v in list(value.items()):
            if v == "us-east-1":
                value[k] = "eu-west-1"
            else:
                _scrub(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _scrub(v, depth + 1)


def _wrap(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for a in (*args, *kwargs.values()):
            _scrub(a)
        return fn(*args, **kwargs)
    return wrapper


class Loader(importlib.abc.Loader):
    def __init__(self, real):
        self.real = real

    def create_module(self, spec):
        return self.real.create_module(spec)

    def exec_module(self, module):
        self.real.exec_module(module)
        for name, value in list(vars(module).items()):
            if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
                setattr(module, name, _wrap(value))


class Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if not fullname.startswith(("gate", "policies", "json", "pulumi.runtime")):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = Loader(spec.loader)
        return spec


sys.meta_path.insert(0, Finder())
aws.s3.Bucket("us", region="us-east-1")
