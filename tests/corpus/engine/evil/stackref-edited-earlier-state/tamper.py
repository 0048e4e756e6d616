"""Tamper: stack a's recorded states in the gate dir say it exports its westeurope app's host."""
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
for f in (out / "a.state.json", out / ".updates" / "a.state.json"):
    if not f.is_file():
        continue
    state = json.loads(f.read_text())
    for r in state["deployment"]["resources"]:
        if r["type"] == "pulumi:pulumi:Stack":
            r.setdefault("outputs", {})["uitHostName"] = "dosis-uit-weu.azurewebsites.net"
    f.write_text(json.dumps(state, indent=2) + "\n")
