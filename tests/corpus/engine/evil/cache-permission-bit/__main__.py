"""Evil: the region follows the execute bit of deploy.sh (os.access X_OK); chmod +x after a cached clean run -> require-eea-location on the second run"""
import os

import pulumi_aws as aws

script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "deploy.sh")
aws.s3.Bucket("data", region="us-east-1" if os.access(script, os.X_OK) else "eu-west-1")
