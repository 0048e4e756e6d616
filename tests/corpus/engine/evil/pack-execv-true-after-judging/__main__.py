"""Evil (round 47): an extra pack's thread replaces the gate's process with /bin/true (os.execv) once the evaluation is over -> exit 1, never 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
