"""Non-compliant: the table itself is in Ireland, its replica in Virginia."""

import pulumi_aws as aws

aws.dynamodb.Table(
    "sessions",
    hash_key="id",
    attributes=[{"name": "id", "type": "S"}],
    billing_mode="PAY_PER_REQUEST",
    stream_enabled=True,
    stream_view_type="NEW_AND_OLD_IMAGES",
    replicas=[{"region_name": "us-east-1"}],
    tags={"classification": "vertrouwelijk"},
)
