"""Good: the program writes a generated tags file into its own build/ directory relative to a descriptor of it (os.mkdir and os.open with dir_fd) and reads it back"""
import json
import os
from pathlib import Path

import pulumi_aws as aws

here = os.open(Path(__file__).parent, os.O_RDONLY)
try:
    os.mkdir("build", dir_fd=here)
except FileExistsError:
    pass
build = os.open("build", os.O_RDONLY, dir_fd=here)
fd = os.open("tags.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=build)
os.write(fd, json.dumps({"owner": "dosis"}).encode())
os.close(fd)
fd = os.open("tags.json", os.O_RDONLY, dir_fd=build)
tags = json.loads(os.read(fd, 1000))
os.close(fd)
aws.s3.Bucket("records", tags=tags)
