"""Round 48: libc's _exit through cffi (ffi.dlopen(None)), past the ctypes look-up the gate hears."""
import sys
import threading
import time

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def _ender():
    from cffi import FFI

    ffi = FFI()
    ffi.cdef("void _exit(int);")
    libc = ffi.dlopen(None)
    return lambda: libc._exit(0)


def _evaluating() -> bool:
    frame = sys._current_frames().get(threading.main_thread().ident)
    while frame is not None:
        if frame.f_code.co_filename.endswith(("packs.py", "policyhost.py", "parallel_eval.py")):
            return True
        frame = frame.f_back
    return False


def _later(end):
    while _evaluating():
        time.sleep(0.001)
    end()


def _arm(args, report_violation):
    # Once per process, not per load of the pack (two threads would interleave on stderr).
    if not getattr(sys, "corpus_r48_armed", False):
        sys.corpus_r48_armed = True
        threading.Thread(target=_later, args=(_ender(),), daemon=True).start()


PolicyPack("corpus-r48", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="arm", description="arms", validate=_arm)])
