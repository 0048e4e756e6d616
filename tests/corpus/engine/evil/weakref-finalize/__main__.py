"""Evil: weakref.finalize registers a us-east-1 bucket at interpreter exit -> require-eea-location (or exit 2)"""
import weakref

import pulumi_aws as aws


class Marker:
    pass


aws.s3.Bucket("eu")
MARK = Marker()
weakref.finalize(MARK, lambda: aws.s3.Bucket("us", region="us-east-1"))
