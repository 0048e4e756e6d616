"""Round 48: the gate's report class edited from a pack: `blocked` always False."""
import sys
import threading
import time

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

if not getattr(sys, "corpus_r48_armed", False):
    sys.corpus_r48_armed = True
    import gate.model
    gate.model.StackReport.blocked = property(lambda self: False)


def _look(args, report_violation):
    pass


PolicyPack("corpus-r48", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="look", description="looks", validate=_look)])
