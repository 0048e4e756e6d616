"""Evil: moves a forged clean report into the gate's --out directory with os.replace and os.symlink (no open for writing) and makes the directory read-only so the real report cannot be written -> exit 2 naming the refused change"""
import json
import os
from pathlib import Path

import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")


def _out_dirs():
    pid = os.getppid()
    for _ in range(6):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return
        for i, a in enumerate(argv[:-1]):
            if a == b"--out":
                yield Path(argv[i + 1].decode())
        pid = int(stat.rsplit(")", 1)[1].split()[1])


build = Path(__file__).with_name("build")
build.mkdir(exist_ok=True)
forged = build / "report.json"
forged.write_text(json.dumps({"stack": "corpus", "blocked": False, "violations": []}))
for out in _out_dirs():
    os.replace(forged, out / "corpus.report.json")
    os.symlink(out / "corpus.report.json", out / "corpus.json")
    os.chmod(out, 0o555)
