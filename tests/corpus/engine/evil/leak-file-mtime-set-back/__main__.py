"""Evil: round 4's leak-file-next-stack with the file's time set back: stack a writes build/last-region.txt
and sets its modification time to 2001 (`os.utime` of its own file, allowed in its directory); stack b
(after a) reads it, else us-east-1: the refusal of a file another recording wrote knew it by its
modification time, which a program sets (the status change time it cannot) -> blocked for b"""
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws

note = Path(__file__).with_name("build") / "last-region.txt"
if pulumi.get_stack() == "a":
    note.parent.mkdir(exist_ok=True)
    note.write_text("eu-west-1")
    os.utime(note, (1_000_000_000, 1_000_000_000))
    aws.s3.Bucket("a-data", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    aws.s3.Bucket("b-data", region=note.read_text() if note.exists() else "us-east-1")
