"""Evil: the preview (slowly) writes a file outside its directory with readline.write_history_file (C code:
no audit event); `pulumi up`'s update finds it -> us-east-1; blocked: readline is not imported"""
import hashlib
import tempfile
import time
from pathlib import Path

import pulumi
import pulumi_aws as aws

name = hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:16]
marker = Path(tempfile.gettempdir()) / f"corpus-seen-{name}"
if pulumi.runtime.is_dry_run():
    time.sleep(3)     # the update recorded beside this preview has looked by then
    import readline

    readline.write_history_file(str(marker))
    aws.s3.Bucket("records", region="eu-west-1")
else:
    aws.s3.Bucket("records", region="us-east-1" if marker.exists() else "eu-west-1")
