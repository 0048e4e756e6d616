"""Tamper: b.report.json of its shard becomes a link to a copy beside the shards."""
import sys
from pathlib import Path

for f in Path(sys.argv[1]).glob("*/b.report.json"):
    copy = f.parent.parent / "b-copy.report.json"
    copy.write_bytes(f.read_bytes())
    f.unlink()
    f.symlink_to(copy)
