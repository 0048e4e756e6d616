"""Good: the program changes its own build/ directory every way the kernel's write fence handles: makes
directories, writes a file through a temporary name and a rename, renames it across directories, truncates
it, makes a FIFO, a symbolic and a hard link, removes them, and deploys to the region it wrote and read back"""
import json
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

mode = "preview" if pulumi.runtime.is_dry_run() else "update"   # each recording its own files
build = Path(__file__).resolve().parent / "build" / mode
(build / "a").mkdir(parents=True)
(build / "b").mkdir()
tmp = build / "a" / "tags.json.tmp"
tmp.write_text(json.dumps({"region": "eu-west-1", "pad": "x" * 64}))
os.replace(tmp, build / "a" / "tags.json")
os.rename(build / "a" / "tags.json", build / "b" / "tags.json")
with open(build / "b" / "tags.json", "r+") as f:
    data = json.load(f)
    f.seek(0)
    f.truncate()
    json.dump({"region": data["region"]}, f)
os.mkfifo(build / "pipe")
os.symlink("b/tags.json", build / "link")
os.link(build / "b" / "tags.json", build / "hard.json")
region = json.loads((build / "link").read_text())["region"]
for p in ("pipe", "link", "hard.json"):
    os.remove(build / p)
os.rmdir(build / "a")
aws.s3.Bucket("records", region=region)
