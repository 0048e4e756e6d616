"""Evil (round 47): a thread of the program sends SIGUSR2 (the gate's watchdog signal) to the main thread with signal.pthread_kill -> blocked: sending a signal is refused"""
import signal
import threading

import pulumi_aws as aws

previous = signal.signal(signal.SIGUSR2, lambda *_: None)
try:
    signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR2)
except OSError:
    pass
signal.signal(signal.SIGUSR2, previous)
aws.s3.Bucket("data", region="eu-west-1")
