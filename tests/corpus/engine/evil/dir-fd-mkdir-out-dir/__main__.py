"""Evil: finds the gate's --out directory from its parents' command lines and makes a folder there relative to a descriptor of it (os.mkdir dir_fd), then plants a clean report the same way -> exit 2 (the directory is refused)"""
import json
import os
from pathlib import Path

import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")


def gate_out():
    """The --out of the nearest ancestor process that was given one."""
    pid = os.getpid()
    while pid > 1:
        status = Path(f"/proc/{pid}/status").read_text()
        pid = int(status.split("PPid:")[1].split()[0])
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"--out" in argv:
            return Path(os.fsdecode(argv[argv.index(b"--out") + 1]))
    return None


out = gate_out()
if out is not None:
    folder = os.open(out, os.O_RDONLY)
    try:
        os.mkdir("planted", dir_fd=folder)
    except FileExistsError:
        pass
    fd = os.open("corpus.report.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=folder)
    os.write(fd, json.dumps({"stack": "corpus", "blocked": False, "violations": []}).encode())
    os.close(fd)
