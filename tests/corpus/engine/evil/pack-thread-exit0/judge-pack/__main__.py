"""A time bomb: os._exit(0) from a thread once judging has started."""
import os
import threading

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

started = threading.Event()


def _bomb():
    started.wait()
    os._exit(0)


threading.Thread(target=_bomb, daemon=True).start()


def _arm(args, report_violation):
    started.set()


PolicyPack("corpus-bomb", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="arm", description="arms", validate=_arm)])
