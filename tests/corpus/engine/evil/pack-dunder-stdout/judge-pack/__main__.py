"""Writes a clean report through sys.__stdout__ at import."""
import sys

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

sys.__stdout__.write('{"stack": "corpus", "blocked": false, "violations": []}\n')
sys.__stdout__.flush()


def _ok(args, report_violation):
    return None


PolicyPack("corpus-dunder", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="ok", description="nothing", validate=_ok)])
