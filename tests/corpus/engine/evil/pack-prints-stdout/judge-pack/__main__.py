"""Prints a clean report on stdout (fd 1) at import and from its policy."""
import os

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

CLEAN = b'{"stack": "corpus", "blocked": false, "violations": []}\n'
print(CLEAN.decode(), end="", flush=True)
os.write(1, CLEAN)


def _noisy(args, report_violation):
    os.write(1, CLEAN)


PolicyPack("corpus-noisy", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="noisy", description="prints", validate=_noisy)])
