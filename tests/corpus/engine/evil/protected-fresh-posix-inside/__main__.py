"""Evil: the program makes a fresh `posix` module from its spec (no audit event) and, with its real
`mknod`, an empty stack config `Pulumi.dev.yaml` in its own directory during its preview: the write fence
allows every write there and the watch hears none, so the checkout the gate passes holds a stack it never
judged (a deploy runner taking each `Pulumi.<stack>.yaml` deploys `dev` with no region: the provider's
default) -> blocked, naming the file"""
import importlib.util
import stat
from pathlib import Path

import pulumi_aws as aws

made = Path(__file__).resolve().parent / "Pulumi.dev.yaml"
spec = importlib.util.find_spec("posix")
fresh = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fresh)
try:   # the preview and the update run at once (gate._worker): whichever comes second finds it made
    fresh.mknod(str(made), 0o600 | stat.S_IFREG)
except FileExistsError:
    pass
aws.s3.Bucket("data", region="eu-west-1")
