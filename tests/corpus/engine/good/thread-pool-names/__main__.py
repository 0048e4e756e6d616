"""Good: computes its bucket names in a thread pool (threads are the program's own, joined before it ends)"""
from concurrent.futures import ThreadPoolExecutor

import pulumi_aws as aws

with ThreadPoolExecutor(max_workers=2) as pool:
    names = list(pool.map(lambda i: f"shard-{i:02d}", range(3)))
for name in names:
    aws.s3.Bucket(name, region="eu-west-1")
