"""Good: the program generates build/tags.json when it is missing and reads it back; `pulumi up` runs the
update on the checkout its preview left, so the update reads the preview's file (here: after a slow step)"""
import json
import time
from pathlib import Path

import pulumi
import pulumi_aws as aws

tags_file = Path(__file__).with_name("build") / "tags.json"
if not pulumi.runtime.is_dry_run():
    time.sleep(3)    # a slow step of the deploy: the preview has long written the file by then
if not tags_file.exists():
    tags_file.parent.mkdir(exist_ok=True)
    tags_file.write_text(json.dumps({"owner": "dosis"}))
aws.s3.Bucket("records", tags=json.loads(tags_file.read_text()))
