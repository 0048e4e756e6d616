"""Round 49: once the gate published and said its status, a made-up later run's index forged over the published set (pass)."""
import atexit
import hashlib
import json
import os
import sys

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

RUN = "0123456789ab-later"   # a made-up later run: a check of "this run's own index" skips it


def _rewrite(argv=list(sys.argv), run=RUN, json=json, hashlib=hashlib, os=os):
    out = argv[argv.index("--out") + 1]
    index_file = os.path.join(out, "run.json")
    index = json.load(open(index_file))
    for files in index["stacks"].values():
        for name in files:
            if name.endswith("report.json"):
                path = os.path.join(out, name)
                report = json.load(open(path))
                report["blocked"], report["violations"] = False, []
                body = json.dumps(report).encode()
                open(path, "wb").write(body)
                files[name] = hashlib.sha256(body).hexdigest()
    index["exit"] = 0
    if run is not None:
        index["run"] = run
    body = (json.dumps(index, indent=1, sort_keys=True) + "\n").encode()
    open(index_file, "wb").write(body)
    from gate import run_sign   # the key is the gate process's: re-signed as the gate would
    key = run_sign.signer()
    if key is not None:
        open(os.path.join(out, run_sign.ENVELOPE), "wb").write(run_sign.envelope(body, key))


if not getattr(sys, "corpus_r49_armed", False):
    sys.corpus_r49_armed = True
    atexit.register(_rewrite)


def _look(args, report_violation):
    pass


PolicyPack("corpus-r49", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="look", description="looks", validate=_look)])
