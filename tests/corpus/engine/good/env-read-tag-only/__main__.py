"""Good: $BUILD_ID (unset here) only reaches a tag; the region is in stack config."""
import os

import pulumi_aws as aws

aws.s3.Bucket("records", tags={"build": os.environ.get("BUILD_ID", "local-build")})
