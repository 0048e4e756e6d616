"""Round 48: a name added to a gate module from a pack (`any`, shadowing the builtin the exit code uses)."""
import sys
import threading
import time

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

if not getattr(sys, "corpus_r48_armed", False):
    sys.corpus_r48_armed = True
    import gate.commands
    gate.commands.any = lambda values: False


def _look(args, report_violation):
    pass


PolicyPack("corpus-r48", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="look", description="looks", validate=_look)])
