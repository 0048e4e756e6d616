"""Round 47: os.execv of /bin/true from a pack's thread once the packs are done: the process ends 0."""
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


def _later(execv):
    while _evaluating():
        time.sleep(0.001)
    execv("/bin/true", ["true"])


def _arm(args, report_violation):
    # Once per process, not per load of the pack: two threads' tracebacks would interleave on stderr.
    if not started and not getattr(sys, "corpus_execv_armed", False):
        sys.corpus_execv_armed = True
        import os
        started.append(threading.Thread(target=_later, args=(os.execv,), daemon=True))
        started[0].start()


PolicyPack("corpus-execv", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="arm", description="arms", validate=_arm)])
