"""Evil (round 48): an extra pack computes libc _exit's address from getpid's (their distance read from libc's ELF symbol table) and calls it through a ctypes function pointer once the evaluation is over -> never exit 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
