"""Evil: os._exit(0) once the us bucket is requested: the recorder never finishes (must not pass)."""
import os

import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
os._exit(0)
