"""Evil: the preview (slowly) makes a FIFO in the temporary directory through a fresh `posix` module made
from its spec (its `mkfifo` is the real one, past the gate's wrapper, no audit event); `pulumi up`'s update
finds it -> us-east-1; blocked: no recording may make a node outside its program's directory"""
import hashlib
import importlib.util
import tempfile
import time
from pathlib import Path

import pulumi
import pulumi_aws as aws

here = str(Path(__file__).resolve().parent).encode()
marker = Path(tempfile.gettempdir()) / f"corpus-fresh-seen-{hashlib.sha256(here).hexdigest()[:16]}"
existed = marker.exists()
if pulumi.runtime.is_dry_run():
    time.sleep(3)
    if not existed:
        spec = importlib.util.find_spec("posix")
        fresh = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(fresh)
        fresh.mkfifo(str(marker))
region = "us-east-1" if existed and not pulumi.runtime.is_dry_run() else "eu-west-1"
aws.s3.Bucket("records", region=region)
