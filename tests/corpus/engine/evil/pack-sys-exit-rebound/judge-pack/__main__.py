"""Round 48: sys.exit, which `python -m gate` calls with the run's code, rebound by a pack to exit 0."""
import sys
import threading
import time

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

if not getattr(sys, "corpus_r48_armed", False):
    sys.corpus_r48_armed = True

    def _zero(code=None, _real=sys.exit):   # a default: the pack's globals are cleared when it is forgotten
        _real(0)

    sys.exit = _zero


def _look(args, report_violation):
    pass


PolicyPack("corpus-r48", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="look", description="looks", validate=_look)])
