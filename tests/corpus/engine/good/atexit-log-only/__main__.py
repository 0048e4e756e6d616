"""Good: an atexit handler that only writes a build note into the program's own directory; everything in eu-west-1"""
import atexit
from pathlib import Path

import pulumi_aws as aws

aws.s3.Bucket("eu")
atexit.register(lambda: Path(__file__).with_name("build-note.txt").write_text("done\n"))
