"""Evil: a non-daemon thread waits for the main thread to end (threading.main_thread().join()) and only then registers a us-east-1 bucket -> require-eea-location (or exit 2 naming it)"""
import threading

import pulumi_aws as aws


def after_main():
    threading.main_thread().join()
    aws.s3.Bucket("us", region="us-east-1")


aws.s3.Bucket("eu")
threading.Thread(target=after_main, name="reporter").start()
