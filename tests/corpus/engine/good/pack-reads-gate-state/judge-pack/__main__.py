"""Round 48 (good): a pack that only reads the gate's state and keeps its own cache on a sys attribute."""
import sys
import threading
import time

import gate.model
import gate.process_ends
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def _check(args, report_violation):
    cache = sys.__dict__.setdefault("corpus_r48_cache", {})
    cache[args.urn] = (len(gate.process_ends.tried()), hasattr(gate.model, "StackReport"))
    if cache[args.urn][0]:
        report_violation("the gate refused something")


PolicyPack("corpus-r48-good", enforcement_level=EnforcementLevel.MANDATORY,
           policies=[ResourceValidationPolicy(name="reads", description="reads", validate=_check)])
