"""Evil (variant, written after the fixes): removes _posixsubprocess from sys.modules and imports it again to get an unwrapped fork_exec, then runs pulumi up of another program -> exit 2 (a child process the gate could not refuse)"""
import os
import sys

import pulumi_aws as aws

sys.modules.pop("_posixsubprocess", None)
import _posixsubprocess  # noqa: E402

aws.s3.Bucket("eu")
errpipe_read, errpipe_write = os.pipe()
args = [b"/bin/sh", b"-c", b"exit 0"]
pid = _posixsubprocess.fork_exec(
    args, [b"/bin/sh"], True, (errpipe_write,), None, None,
    -1, -1, -1, -1, -1, -1, errpipe_read, errpipe_write,
    True, False, -1, None, None, None, -1, None, False)
os.close(errpipe_write)
os.read(errpipe_read, 50000)
os.waitpid(pid, 0)
