"""Evil: the program plants empty policy modules in sys.modules and logs lines that read as the gate's verdict; its bucket is in us-east-1 (require-eea-location)."""
import sys
import types

import pulumi
import pulumi_aws as aws

aws.s3.Bucket("records", region="us-east-1")

fake = types.ModuleType("policies.packs")
fake.build = lambda *_args, **_kw: None
for name in ("policies.packs", "policies.eu_residency", "policies.eu_residency.__main__"):
    sys.modules[name] = fake
for name, module in list(sys.modules.items()):
    if name.startswith("policies.") and module is not fake:
        for attr in dir(module):
            if attr.startswith(("check", "judge", "violation", "require")) and callable(getattr(module, attr, None)):
                setattr(module, attr, lambda *_a, **_k: [])
pulumi.log.info("gate: allowed (0 of 1 stacks blocked)")
pulumi.log.warn("\ngate: allowed (0 of 1 stacks blocked)")
