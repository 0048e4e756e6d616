"""Evil (round 47, lead 5): a short-lived thread at the lowest priority, pinned with the busy main thread to one CPU, starts a raw _thread thread that outlives the program and ends before it begins: the unborn state carries the dead starter's ident (CPython 3.11), which unborn() took for a running thread -> blocked: a thread the program started is still running"""
import _thread
import os
import threading
import time

import pulumi_aws as aws


def later():   # outlives the program: what it would do while a deploy runs is unrecorded
    time.sleep(30)


def starter():
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)   # what it starts inherits it
    _thread.start_new_thread(later, ())


os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
first = threading.Thread(target=starter)
first.start()
first.join()
busy = time.perf_counter() + 0.01
while time.perf_counter() < busy:   # keeps the one CPU from the new thread while the program ends
    pass
aws.s3.Bucket("data", region="eu-west-1")
