"""Evil: _posixsubprocess.fork_exec called directly (no subprocess.Popen audit event) runs pulumi up of another program -> exit 2 naming the process start"""
import _posixsubprocess
import os

import pulumi_aws as aws

aws.s3.Bucket("eu")
errpipe_read, errpipe_write = os.pipe()
args = [b"/usr/bin/env", b"pulumi", b"up", b"--yes", b"--cwd", b"legacy-us"]
pid = _posixsubprocess.fork_exec(
    args, [b"/usr/bin/env"], True, (errpipe_write,), None, None,
    -1, -1, -1, -1, -1, -1, errpipe_read, errpipe_write,
    True, False, -1, None, None, None, -1, None, False)
os.close(errpipe_write)
os.read(errpipe_read, 50000)
os.waitpid(pid, 0)
