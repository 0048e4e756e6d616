"""Evil (variant, written after the fixes): a ProcessPoolExecutor on the forkserver context (its server started through _posixsubprocess) computes the region -> exit 2 naming the process start"""
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pulumi_aws as aws


def region() -> str:
    return "us-east-1"


with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
    aws.s3.Bucket("data", region=pool.submit(region).result())
