"""A time bomb set for after the evaluation: the gate used to give `os._exit` back when its packs were done
(CI, session 43: `pack-thread-exit0`'s thread, woken late, ended the gate with exit 0 and no report). The
thread starts at the first policy call and waits until `os._exit` is no longer the gate's refusal."""
import os
import threading
import time

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

bombs = []


def _when_given_back(refused):
    while os._exit is refused:
        time.sleep(0.001)
    os._exit(0)


def _arm(args, report_violation):
    if not bombs:
        bombs.append(threading.Thread(target=_when_given_back, args=(os._exit,), daemon=True))
        bombs[0].start()


PolicyPack("corpus-bomb-late", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="arm", description="arms", validate=_arm)])
