"""Good: the program writes a generated policy document into its own build/ directory before using it."""
import json
from pathlib import Path

import pulumi_aws as aws

build = Path(__file__).with_name("build")
build.mkdir(exist_ok=True)
(build / "tags.json").write_text(json.dumps({"owner": "dosis"}))
aws.s3.Bucket("records", tags=json.loads((build / "tags.json").read_text()))
