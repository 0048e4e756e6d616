"""Good: the region is read from the program's own settings/region.txt relative to a descriptor of settings/ (os.open dir_fd) and a tags file by a bytes path"""
import json
import os

import pulumi_aws as aws

here = os.path.dirname(os.path.abspath(__file__))
settings = os.open(os.path.join(here, "settings"), os.O_RDONLY)
fd = os.open("region.txt", os.O_RDONLY, dir_fd=settings)
region = os.read(fd, 100).decode().strip()
os.close(fd)
os.close(settings)
with open(os.fsencode(os.path.join(here, "settings", "tags.json"))) as f:
    tags = json.load(f)
aws.s3.Bucket("data", region=region, tags=tags)
