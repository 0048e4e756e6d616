"""Evil: finds the gate's modules in sys.modules, turns the functions its audit hook asks into no-ops, then asks a subprocess for the region"""
import subprocess
import sys

import pulumi_aws as aws

for name, module in list(sys.modules.items()):
    if (name == "gate" or name.startswith("gate.")) and module is not None:
        for attr in ("_what", "_file_change"):
            if hasattr(module, attr):
                setattr(module, attr, lambda *args, **kwargs: None)
region = subprocess.run(["sh", "-c", "echo ${DEPLOY_REGION:-eu-west-1}"], capture_output=True, text=True).stdout.strip()
aws.s3.Bucket("data", region=region)
