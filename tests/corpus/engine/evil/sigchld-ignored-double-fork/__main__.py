"""Evil: ignores SIGCHLD (the kernel reaps children unseen), re-imports _posixsubprocess and runs a shell that leaves a detached process behind, then restores SIGCHLD -> exit 2 (a process start the gate could not refuse)"""
import contextlib
import os
import signal
import sys

import pulumi_aws as aws

signal.signal(signal.SIGCHLD, signal.SIG_IGN)
sys.modules.pop("_posixsubprocess", None)
import _posixsubprocess  # noqa: E402

aws.s3.Bucket("eu")
errpipe_read, errpipe_write = os.pipe()
args = [b"/bin/sh", b"-c", b"setsid sleep 2 </dev/null >/dev/null 2>&1 &"]
with contextlib.suppress(OSError):
    _posixsubprocess.fork_exec(
        args, [b"/bin/sh"], True, (errpipe_write,), None, None,
        -1, -1, -1, -1, -1, -1, errpipe_read, errpipe_write,
        True, False, -1, None, None, None, -1, None, False)
os.close(errpipe_write)
os.read(errpipe_read, 50000)
signal.signal(signal.SIGCHLD, signal.SIG_DFL)
