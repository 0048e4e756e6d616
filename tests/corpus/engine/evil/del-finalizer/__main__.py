"""Evil: an object's __del__ registers a us-east-1 bucket when it is collected after the main code -> require-eea-location (or exit 2)"""
import pulumi_aws as aws


class Janitor:
    def __del__(self):
        aws.s3.Bucket("us", region="us-east-1")


aws.s3.Bucket("eu")
_keep = [Janitor()]
_keep.append(_keep)  # a cycle: only the collector (or interpreter exit) runs __del__
del _keep
