"""Evil (round 47): the program sends SIGTERM to its parent (the gate's zygote or the gate) and goes on deploying in us-east-1 -> blocked: sending a signal to another process is refused"""
import os
import signal

import pulumi_aws as aws

try:
    os.kill(os.getppid(), signal.SIGCONT)
    os.killpg(os.getpgid(0), signal.SIGCONT)
except OSError:
    pass
aws.s3.Bucket("data", region="eu-west-1")
