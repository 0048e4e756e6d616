"""Round 47: libc's _exit through ctypes, past the gate's os._exit latch, once the packs are done."""
import sys
import threading
import time

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

started = []


def _evaluating() -> bool:
    frame = sys._current_frames().get(threading.main_thread().ident)
    while frame is not None:
        if frame.f_code.co_filename.endswith(("packs.py", "policyhost.py", "parallel_eval.py")):
            return True
        frame = frame.f_back
    return False


def _later(hard_exit):
    while _evaluating():
        time.sleep(0.001)
    hard_exit(0)


def _arm(args, report_violation):
    if not started:
        import ctypes
        started.append(threading.Thread(target=_later, args=(ctypes.CDLL(None)._exit,), daemon=True))
        started[0].start()


PolicyPack("corpus-ctypes-exit", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="arm", description="arms", validate=_arm)])
