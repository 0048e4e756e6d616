"""Evil (round 49): an extra pack's atexit handler writes a run index of a made-up later run (another id, exit 0, the report rewritten to pass) over the published set, so a check made only while the index is this run's own skips it -> exit 2"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
