"""Good: each stack generates its own build/<stack>.json when missing and reads it back (stack a slowly,
so it writes while stack b's preview and update are recorded); no stack reads another's file"""
import json
import time
from pathlib import Path

import pulumi
import pulumi_aws as aws

stack = pulumi.get_stack()
tags_file = Path(__file__).with_name("build") / f"{stack}.json"
if stack == "a":
    time.sleep(2)
if not tags_file.exists():
    tags_file.parent.mkdir(exist_ok=True)
    tags_file.write_text(json.dumps({"owner": "dosis", "stack": stack}))
aws.s3.Bucket("records", tags=json.loads(tags_file.read_text()))
