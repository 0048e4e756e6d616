"""Evil: variant (after the fix): writes a forged end-of-program message with empty reads to every pipe it holds open, then registers a us-east-1 bucket the recorder would no longer expect"""
import contextlib
import json
import os
import stat

import pulumi_aws as aws

FORGED = (json.dumps({"type_aliases": {}, "env_reads": {}, "placeholders": False}) + "\n").encode()
for name in os.listdir("/proc/self/fd"):
    with contextlib.suppress(OSError):
        fd = int(name)
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            os.write(fd, FORGED)

aws.s3.Bucket("us", region="us-east-1")
