"""Round 48 (good): ordinary ctypes in a pack: qsort with a callback, memmove, string_at, cast."""
import ctypes
import sys
import threading
import time

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def _sorted_ok(values):
    array = (ctypes.c_int * len(values))(*values)
    compare = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))(
        lambda a, b: a[0] - b[0])
    ctypes.CDLL(None).qsort(array, len(values), ctypes.sizeof(ctypes.c_int), compare)
    copy = ctypes.create_string_buffer(8)
    ctypes.memmove(copy, b"eu-west1", 8)
    pointer = ctypes.cast(copy, ctypes.c_void_p).value
    return list(array) == sorted(values) and ctypes.string_at(pointer, 8) == b"eu-west1"


def _check(args, report_violation):
    if not _sorted_ok([3, 1, 2]):
        report_violation("ctypes misbehaved")


PolicyPack("corpus-r48-good", enforcement_level=EnforcementLevel.MANDATORY,
           policies=[ResourceValidationPolicy(name="qsort", description="sorts", validate=_check)])
