"""Evil: stack <how>-a makes a fresh `posix` module from its spec (no audit event) and, with its real
`mkfifo` (`fifo`) or `mknod` (`node`: an empty regular file), leaves a node named after its region beside
the program's directory, unheard by the watch; stack <how>-b (after it) looks for it there (reads outside
the program's tree are checked by nothing), else us-east-1: what a fresh deploy runner does -> blocked"""
import importlib.util
import stat
from pathlib import Path

import pulumi
import pulumi_aws as aws

how, role = pulumi.get_stack().rsplit("-", 1)
outside = Path(__file__).resolve().parent.parent / f"leak-outside-fresh-posix-{how}-eu-west-1"

if role == "b":
    pulumi.StackReference(pulumi.Config().require("after"))
    aws.s3.Bucket("b-data", region="eu-west-1" if outside.exists() else "us-east-1")
else:
    spec = importlib.util.find_spec("posix")
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    try:   # the preview and the update run at once (gate._worker): whichever comes second finds it made
        if how == "fifo":
            fresh.mkfifo(str(outside))
        else:
            fresh.mknod(str(outside), 0o600 | stat.S_IFREG)
    except FileExistsError:
        pass
    aws.s3.Bucket("a-data", region="eu-west-1")
