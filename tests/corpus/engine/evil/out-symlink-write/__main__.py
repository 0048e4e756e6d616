"""Evil: --out is a symlink; the program resolves it and plants an update graph for another stack in the real directory -> exit 2 (the write is refused)"""
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
                yield Path(os.path.realpath(argv[i + 1].decode()))
        pid = int(stat.rsplit(")", 1)[1].split()[1])


for out in _out_dirs():
    (out / ".updates").mkdir(parents=True, exist_ok=True)
    (out / ".updates" / "platform.state.json").write_text("{}")
