"""Evil: computes the region in a ProcessPoolExecutor worker (its environment reads are not the program's)"""
import os
from concurrent.futures import ProcessPoolExecutor

import pulumi_aws as aws


def lookup() -> str:
    return os.environ.get("DEPLOY_REGION", "eu-west-1")


with ProcessPoolExecutor(max_workers=1) as pool:
    region = pool.submit(lookup).result()
aws.s3.Bucket("data", region=region)
