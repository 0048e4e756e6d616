"""Evil: the region follows a flag file probed with os.stat called from code run with globals named like the
import system's (`exec` with `__name__` "importlib.flag"): the stat probes skip what the import system asks,
told by the calling frame's `__name__` alone; the flag appears after a cached clean run ->
require-eea-location on the second run"""
import os

import pulumi_aws as aws

flag = os.path.join(os.path.dirname(os.path.abspath(__file__)), "flags", "deploy-us")
probe = {"__name__": "importlib.flag", "os": os, "flag": flag}
exec("def there():\n    try:\n        os.stat(flag)\n    except FileNotFoundError:\n        return False\n"
     "    return True\n", probe)
aws.s3.Bucket("data", region="us-east-1" if probe["there"]() else "eu-west-1")
