"""Tamper: stack a's recorded states export no DR site; the run index sealing them is removed."""
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
for state in (out / "a.state.json", out / ".updates" / "a.state.json"):
    doc = json.loads(state.read_text())
    for res in doc["deployment"]["resources"]:
        if res["type"] == "pulumi:pulumi:Stack":
            res.setdefault("outputs", {})["drSite"] = ""
    state.write_text(json.dumps(doc))
for name in ("run.json", "run.dsse.json"):
    (out / name).unlink(missing_ok=True)
