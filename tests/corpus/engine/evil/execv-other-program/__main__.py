"""Evil: the program replaces its own process (os.execv) with an interpreter running another program, so the recording never ends normally -> exit 2 naming the exec"""
import os
import sys

import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
os.execv(sys.executable, [sys.executable, "-c", "import sys; sys.exit(0)"])
