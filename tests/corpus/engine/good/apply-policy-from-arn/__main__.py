"""Good: policy documents built from a bucket ARN and a Lambda's computed ARNs, all in the stack's region -> []."""
import json

import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("reports")
role = aws.iam.Role("reader", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                   "Principal": {"Service": "lambda.amazonaws.com"}}]}))
artifacts = aws.s3.Bucket("artifacts")
fn = aws.lambda_.Function("reader", role=role.arn, runtime="python3.12", handler="app.handler",
                          s3_bucket=artifacts.id, s3_key="reader.zip", publish=True)
aws.s3.BucketPolicy("reports", bucket=bucket.id, policy=bucket.arn.apply(lambda arn: json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                   "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})))
aws.iam.RolePolicy("reader", role=role.id, policy=pulumi.Output.all(bucket.arn, fn.qualified_arn).apply(
    lambda a: json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{a[0]}/*"},
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": a[1]}]})))
aws.lambda_.Permission("reports-invoke", action="lambda:InvokeFunction", function=fn.name,
                       principal="s3.amazonaws.com", source_arn=bucket.arn,
                       qualifier=fn.version.apply(lambda v: v if v.isdigit() else None))
