"""Evil (round 48): an extra pack writes exit_group(0) machine code into an executable anonymous mmap and calls it through a ctypes function pointer of its address (no symbol looked up) once the evaluation is over -> never exit 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
