"""Evil: the preview (slowly) makes a FIFO outside its directory (os.mkfifo raises no audit event, and no
recording's reads outside the program are checked); `pulumi up`'s update finds it -> us-east-1; blocked:
a file node made outside the program is refused like a write"""
import hashlib
import os
import tempfile
import time
from pathlib import Path

import pulumi
import pulumi_aws as aws

here = str(Path(__file__).resolve().parent).encode()
marker = Path(tempfile.gettempdir()) / f"corpus-seen-{hashlib.sha256(here).hexdigest()[:16]}"
existed = marker.exists()
if pulumi.runtime.is_dry_run():
    time.sleep(3)
    if not existed:
        os.mkfifo(marker)
region = "us-east-1" if existed and not pulumi.runtime.is_dry_run() else "eu-west-1"
aws.s3.Bucket("records", region=region)
