"""Evil (known limit): the program notices it runs inside the offline gate and only then stays in the EEA."""
import sys

import pulumi_aws as aws

offline = any(name == "gate" or name.startswith("gate.") for name in sys.modules)
aws.s3.Bucket("records", region="eu-west-1" if offline else "us-east-1")
