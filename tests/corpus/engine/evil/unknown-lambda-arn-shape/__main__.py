"""Evil: a us-east-1 bucket registered only when a Lambda's qualified ARN starts with arn: and names an eu- region -> require-eea-location."""
import json

import pulumi_aws as aws

role = aws.iam.Role("fn", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                   "Principal": {"Service": "lambda.amazonaws.com"}}]}))
artifacts = aws.s3.Bucket("artifacts")
fn = aws.lambda_.Function("resize", role=role.arn, runtime="python3.12", handler="app.handler",
                          s3_bucket=artifacts.id, s3_key="resize.zip", publish=True)
fn.qualified_arn.apply(
    lambda arn: aws.s3.Bucket("resize-out", region="us-east-1")
    if arn and arn.startswith("arn:") and "eu-" in arn else None)
