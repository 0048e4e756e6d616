"""Evil: the preview (slowly) writes a file outside its directory with readline.write_history_file (C code:
no audit event); `pulumi up`'s update finds it -> us-east-1; blocked: readline is not imported"""
import hashlib
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
        import readline

        readline.write_history_file(str(marker))
region = "us-east-1" if existed and not pulumi.runtime.is_dry_run() else "eu-west-1"
aws.s3.Bucket("records", region=region)
