"""Evil (round 48): an extra pack, when loaded, rebinds sys.exit (which python -m gate and the console script call with main()'s code) to exit 0 -> exit 1, never 0"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
