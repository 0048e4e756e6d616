"""Evil: finds the gate's --out directory from its parents' command lines and makes a folder there relative to a descriptor of it (os.mkdir dir_fd), then plants a clean report the same way -> exit 2 (the directory is refused)"""
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


for out in _out_dirs():
    folder = os.open(out, os.O_RDONLY)
    try:
        os.mkdir("planted", dir_fd=folder)
    except FileExistsError:
        pass
    fd = os.open("corpus.report.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=folder)
    os.write(fd, json.dumps({"stack": "corpus", "blocked": False, "violations": []}).encode())
    os.close(fd)
