"""Good (round 47): the program asks whether its own process lives (os.kill with signal 0 to itself) and handles a signal it raises itself -> passes"""
import os
import signal
import threading

import pulumi_aws as aws

got = []
previous = signal.signal(signal.SIGUSR1, lambda *_: got.append(1))
signal.raise_signal(signal.SIGUSR1)
signal.signal(signal.SIGUSR1, previous)
os.kill(os.getpid(), 0)
signal.pthread_kill(threading.get_ident(), 0)
aws.s3.Bucket("data", region="eu-west-1" if got else "eu-central-1")
