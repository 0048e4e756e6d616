"""Evil (round 48): an extra pack calls the interpreter's Py_ExitStatusException (not in the gate's list of ending names) with an exit status of 0 through ctypes.pythonapi once the evaluation is over -> never exit 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
