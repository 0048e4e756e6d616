"""A time bomb set for after the evaluation: the gate used to give `os._exit` back when its packs were done
(CI, session 43: `pack-thread-exit0`'s thread, woken late, ended the gate with exit 0 and no report)."""
import os
import threading
import time

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

started = threading.Event()


def _bomb():
    started.wait()
    refused = os._exit
    while os._exit is refused:   # the evaluation is over when the gate restores its own
        time.sleep(0.001)
    os._exit(0)


threading.Thread(target=_bomb, daemon=True).start()


def _arm(args, report_violation):
    started.set()


PolicyPack("corpus-bomb-late", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="arm", description="arms", validate=_arm)])
