"""A pack that measures with ctypes (a struct's size, the process id through libc) and reports nothing."""
import ctypes
import os

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


class _Pair(ctypes.Structure):
    _fields_ = [("a", ctypes.c_int), ("b", ctypes.c_int)]


def _measure(args, report_violation):
    assert ctypes.sizeof(_Pair) == 8 and ctypes.CDLL(None).getpid() == os.getpid()


PolicyPack("corpus-ctypes-sizes", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="measure", description="measures", validate=_measure)])
