"""Evil: a thread registers a us-east-1 bucket after the program's main code has returned (must block)."""
import threading
import time

import pulumi_aws as aws

aws.s3.Bucket("main")


def later():
    time.sleep(1.5)
    aws.s3.Bucket("late", region="us-east-1")


threading.Thread(target=later).start()
