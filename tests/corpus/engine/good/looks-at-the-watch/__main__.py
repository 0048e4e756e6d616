"""Good: the program looks at the gate's watch (its settings, the hook's defaults: read, not changed), then
writes build/tags.json and reads it back, in the EEA"""
import json
import sys
from pathlib import Path

import pulumi_aws as aws

module = sys.modules.get("gate.side_effects")
watched = {"root": str(getattr(getattr(module, "_Watch", None), "root", None)),
           "hooked": len(getattr(getattr(module, "_hook", None), "__defaults__", None) or ())}
tags = Path(__file__).with_name("build") / "tags.json"
tags.parent.mkdir(exist_ok=True)
tags.write_text(json.dumps({"owner": "dosis", "seen": str(bool(watched["hooked"]))}))
aws.s3.Bucket("records", region="eu-west-1", tags=json.loads(tags.read_text()))
