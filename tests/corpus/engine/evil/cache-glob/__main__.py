"""Evil: variant (after the fixes): the region is the name of a file matched by glob (os.scandir); the file appears after a cached clean run -> require-eea-location on the second run"""
import glob
import os

import pulumi_aws as aws

here = os.path.dirname(os.path.abspath(__file__))
found = sorted(os.path.basename(p)[:-7] for p in glob.glob(os.path.join(here, "*.region")))
aws.s3.Bucket("data", region=found[0] if found else "eu-west-1")
