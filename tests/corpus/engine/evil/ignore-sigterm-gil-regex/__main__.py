"""Evil: ignores SIGTERM and SIGINT, then runs a catastrophic regex that holds the GIL in C for hours, so neither a signal handler nor a watchdog thread runs -> exit 2 naming the deadline"""
import re
import signal

import pulumi_aws as aws

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
aws.s3.Bucket("eu")
re.match(r"(a+)+$", "a" * 64 + "b")
aws.s3.Bucket("us", region="us-east-1")
