"""Evil: the region is read from region.txt opened relative to a descriptor of settings/ (os.open dir_fd); the file changes to us-east-1 after a cached clean run -> require-eea-location on the second run"""
import os

import pulumi_aws as aws

settings = os.open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "settings"), os.O_RDONLY)
fd = os.open("region.txt", os.O_RDONLY, dir_fd=settings)
region = os.read(fd, 100).decode().strip()
os.close(fd)
os.close(settings)
aws.s3.Bucket("data", region=region)
