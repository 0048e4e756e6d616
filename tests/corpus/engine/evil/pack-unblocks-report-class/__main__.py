"""Evil (round 48): an extra pack, when loaded, replaces gate.model.StackReport.blocked with a property that says False: the gate writes its report and exits 0 over a mandatory finding -> exit 1, never 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
