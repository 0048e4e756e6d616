"""Evil (round 48): an extra pack sets a SIGALRM handler and an interval timer from its policy (the main thread); once the evaluation is over the handler raises SystemExit(0) in the gate's main thread: no report, exit 0 -> never exit 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
