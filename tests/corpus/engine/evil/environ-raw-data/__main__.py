"""Evil: variant (after the fixes): reads DEPLOY_REGION from os.environ._data, past os.environ's own methods -> program-reads-environment (mandatory)"""
import os

import pulumi_aws as aws

raw = os.environ._data.get(b"DEPLOY_REGION")
aws.s3.Bucket("data", region=raw.decode() if raw else "eu-west-1")
