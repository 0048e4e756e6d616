"""Evil: the program finds the gate's recorder in its own process and drops its us bucket from the record."""
import gc

import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
for obj in gc.get_objects():
    if type(obj).__name__ == "Graph" and hasattr(obj, "resources"):
        try:
            obj.resources.clear()
        except Exception:
            pass
