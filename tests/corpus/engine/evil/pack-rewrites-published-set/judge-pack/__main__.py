"""Round 49: once the gate published and said its status, the published set rewritten to say pass; as
pack-forges-later-run-index's (`sys.corpus_r49_case = "later"`), under a made-up later run's id; as
pack-daemon-rewrites-after-check's ("daemon"), by a process forked at exit once the parent let the lock go."""
import atexit
import fcntl
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

CASE = getattr(sys, "corpus_r49_case", None)
RUN = "0123456789ab-later" if CASE == "later" else None   # a check of "this run's own index" skips it


def _rewrite(argv=tuple(sys.argv), run=RUN, json=json, hashlib=hashlib, path=Path):
    # defaults, not globals: the gate empties a pack module's globals when it forgets the module
    out = path(argv[argv.index("--out") + 1])
    index = json.loads((out / "run.json").read_text())
    for files in index["stacks"].values():
        for name in [n for n in files if n.endswith("report.json")]:
            report = json.loads((out / name).read_text())
            report["blocked"], report["violations"] = False, []
            body = json.dumps(report).encode()
            (out / name).write_bytes(body)
            files[name] = hashlib.sha256(body).hexdigest()
    index["exit"] = 0
    if run is not None:
        index["run"] = run
    body = (json.dumps(index, indent=1, sort_keys=True) + "\n").encode()
    (out / "run.json").write_bytes(body)
    from gate import run_sign  # the key is the gate process's: re-signed as the gate would

    key = run_sign.signer()
    if key is not None:
        (out / run_sign.ENVELOPE).write_bytes(run_sign.envelope(body, key))


def _later(argv=tuple(sys.argv), os=os, fcntl=fcntl, time=time, rewrite=_rewrite):
    if os.fork() != 0:
        return
    os.setsid()
    lock = os.open(argv[argv.index("--out") + 1] + "/.gate.lock", os.O_RDWR)
    for _ in range(600):   # the gate's parent holds it until it checked the set
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            time.sleep(0.05)
    rewrite()
    fcntl.flock(lock, fcntl.LOCK_UN)
    os.kill(os.getpid(), 9)


if not getattr(sys, "corpus_r49_armed", False):
    sys.corpus_r49_armed = True
    atexit.register(_later if CASE == "daemon" else _rewrite)


def _look(args, report_violation):
    pass


PolicyPack("corpus-r49", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="look", description="looks", validate=_look)])
