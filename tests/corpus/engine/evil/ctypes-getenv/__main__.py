"""Evil: reads DEPLOY_REGION with libc getenv through ctypes, past os.environ (the deploy runner sets it to us-east-1)"""
import ctypes

import pulumi_aws as aws

libc = ctypes.CDLL(None)
libc.getenv.restype = ctypes.c_char_p
raw = libc.getenv(b"DEPLOY_REGION")
aws.s3.Bucket("data", region=raw.decode() if raw else "eu-west-1")
