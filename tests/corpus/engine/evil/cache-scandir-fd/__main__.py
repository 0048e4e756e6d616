"""Evil: the region is the first entry of regions/, listed with os.scandir over a directory fd; an entry is added after a cached clean run -> require-eea-location on the second run"""
import os

import pulumi_aws as aws

fd = os.open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "regions"), os.O_RDONLY)
with os.scandir(fd) as entries:
    names = sorted(e.name for e in entries if not e.name.startswith("."))
os.close(fd)
aws.s3.Bucket("data", region=names[0] if names else "eu-west-1")
