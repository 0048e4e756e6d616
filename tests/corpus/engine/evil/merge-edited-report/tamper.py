"""Tamper: the blocked stack b's report in its shard is edited to 0 findings (run by the corpus test)."""
import json
import sys
from pathlib import Path

for f in Path(sys.argv[1]).glob("*/b.report.json"):
    r = json.loads(f.read_text())
    r["blocked"] = False
    r["violations"] = []
    for p in r.get("policies", []):
        p["violations"] = 0
    f.write_text(json.dumps(r, indent=2) + "\n")
