"""Round 49: a pack that only reads what the gate published, at exit (a summary of its own on stderr)."""
import atexit
import json
import sys
from pathlib import Path

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def _summary(argv=tuple(sys.argv), loads=json.loads, where=Path, err=sys.stderr):
    if "--out" not in argv:
        return
    published = where(argv[argv.index("--out") + 1])
    index = loads((published / "run.json").read_text())
    reports = [name for files in index["stacks"].values() for name in files if name.endswith(".report.json")]
    verdicts = {name: loads((published / name).read_text())["blocked"] for name in reports}
    print(f"corpus-r49 summary: exit {index['exit']}, {verdicts}", file=err)


if not getattr(sys, "corpus_r49_reader", False):
    sys.corpus_r49_reader = True
    atexit.register(_summary)


def _look(args, report_violation):
    pass


PolicyPack("corpus-r49-reader", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="look", description="looks", validate=_look)])
