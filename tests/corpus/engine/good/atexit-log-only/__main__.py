"""Good: an atexit handler that only writes a build note into the program's own build/ directory; everything in eu-west-1"""
import atexit
from pathlib import Path

import pulumi_aws as aws

aws.s3.Bucket("eu")
build = Path(__file__).with_name("build")
build.mkdir(exist_ok=True)
atexit.register(lambda: (build / "note.txt").write_text("done\n"))
