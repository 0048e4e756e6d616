"""Evil (round 49): an extra pack leaves an atexit handler that, once the gate published and said exit 1, rewrites the published report (not blocked) and run.json (exit 0, the report's new digest, re-signed with the gate's key): the published set says pass over a mandatory finding -> exit 2, the set withdrawn"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
