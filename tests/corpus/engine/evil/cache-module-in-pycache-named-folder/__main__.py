"""Evil: the region comes from a module the program imports from vendored__pycache__/ (sys.path); the module changes to us-east-1 after a cached clean run -> require-eea-location on the second run (the stack cache dropped every input path holding __pycache__)"""
import os
import sys

import pulumi_aws as aws

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendored__pycache__"))
import regions

aws.s3.Bucket("data", region=regions.REGION)
