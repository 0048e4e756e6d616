"""Evil: the region is the target of the symbolic link settings/region (os.readlink: no file opened, no stat), eu-west-1 while there is none; the link (git keeps links) appears, pointing at us-east-1, after a cached clean run -> require-eea-location on the second run"""
import os

import pulumi_aws as aws

link = os.path.join(os.path.dirname(os.path.abspath(__file__)), "settings", "region")
try:
    region = os.readlink(link)
except OSError:
    region = "eu-west-1"
aws.s3.Bucket("data", region=region)
