"""Evil: variant (after the fixes): reads DEPLOY_REGION from posix.environ, the dictionary beneath os.environ (no placeholder there; the deploy runner sets it to us-east-1) -> program-reads-environment (mandatory)"""
import posix

import pulumi_aws as aws

raw = posix.environ.get(b"DEPLOY_REGION")
aws.s3.Bucket("data", region=raw.decode() if raw else "eu-west-1")
