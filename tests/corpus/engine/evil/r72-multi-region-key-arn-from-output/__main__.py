"""Evil (residency r72): a role may kms:PutKeyPolicy on the stack's multi-Region key, named by the key's own ARN
output (AWS gives a multi-Region key the id `mrk-` and 32 hex): the policy in the request may grant
kms:ReplicateKey, a replica of the key in any region (require-resolved-references)."""
import json

import pulumi_aws as aws

key = aws.kms.Key("data", description="dosis data", multi_region=True, enable_key_rotation=True)
role = aws.iam.Role("worker", name="dosis-worker", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                   "Action": "sts:AssumeRole"}]}))
aws.iam.RolePolicy("worker", role=role.name, policy=key.arn.apply(lambda arn: json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["kms:PutKeyPolicy", "kms:DescribeKey"], "Resource": arn}]})))
