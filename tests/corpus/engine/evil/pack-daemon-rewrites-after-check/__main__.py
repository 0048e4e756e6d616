"""Evil (round 49): an extra pack's atexit handler forks a process that leaves the gate's session and waits until the gate's parent has checked the published set and let .gate.lock go, then rewrites the set to say pass (run.json exit 0, re-signed) -> exit 1 and the set as the gate published it"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
