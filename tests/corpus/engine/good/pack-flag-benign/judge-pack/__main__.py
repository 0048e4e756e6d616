"""Advisory on every resource; a note on stderr at import."""
import sys

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

print("corpus-advisory loaded", file=sys.stderr)


def _note(args, report_violation):
    report_violation("seen")


PolicyPack("corpus-advisory", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="note", description="notes", validate=_note)])
