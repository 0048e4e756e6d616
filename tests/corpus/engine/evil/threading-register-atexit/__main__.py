"""Evil: threading._register_atexit (what ThreadPoolExecutor uses) registers a us-east-1 bucket when the interpreter shuts its threads down -> require-eea-location (or exit 2 naming it)"""
import threading

import pulumi_aws as aws

aws.s3.Bucket("eu")
threading._register_atexit(lambda: aws.s3.Bucket("us", region="us-east-1"))
