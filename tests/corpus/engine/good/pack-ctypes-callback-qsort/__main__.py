"""Good (round 48): a pack sorts with libc's qsort through ctypes with a Python comparator (a callback, a call by symbol, ctypes.cast and string_at) and allows"""
import pulumi_aws as aws

aws.s3.Bucket("eu", region="eu-west-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
