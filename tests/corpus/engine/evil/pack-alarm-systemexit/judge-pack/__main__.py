"""Round 48: a SIGALRM handler raising SystemExit(0) in the gate's main thread once the packs are done."""
import signal
import sys
import threading
import time

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def _evaluating() -> bool:
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename.endswith(("packs.py", "policyhost.py", "parallel_eval.py")):
            return True
        frame = frame.f_back
    return False


def _alarm(signum, frame):
    if _evaluating():
        return
    signal.setitimer(signal.ITIMER_REAL, 0)
    raise SystemExit(0)


def _arm(args, report_violation):
    # Once per process, not per load of the pack.
    if not getattr(sys, "corpus_r48_armed", False):
        sys.corpus_r48_armed = True
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, 0.005, 0.005)


PolicyPack("corpus-r48", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="arm", description="arms", validate=_arm)])
