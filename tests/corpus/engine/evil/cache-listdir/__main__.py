"""Evil: the region is the name of a directory entry (os.listdir); an entry is added after a cached clean run -> require-eea-location on the second run"""
import os

import pulumi_aws as aws

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regions")
names = sorted(os.listdir(here)) if os.path.isdir(here) else []
aws.s3.Bucket("data", region=names[0] if names else "eu-west-1")
