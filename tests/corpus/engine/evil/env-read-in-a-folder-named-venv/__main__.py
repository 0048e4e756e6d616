"""Evil: the region comes from $DEPLOY_REGION, read in venv/regions.py, a folder of the program named venv that it does not declare as its environment (program-reads-environment must block)."""
import sys
from pathlib import Path

import pulumi
import pulumi_aws as aws

sys.path.insert(0, str(Path(__file__).parent / "venv"))
import regions

provider = aws.Provider("deploy", region=regions.deploy_region())
aws.s3.Bucket("records", opts=pulumi.ResourceOptions(provider=provider))
