"""Non-compliant: public endpoint, no encryption at rest with a customer key, no PIA record for the stack."""

import pulumi_aws as aws

aws.rds.Instance(
    "db",
    engine="mysql",
    instance_class="db.t4g.micro",
    allocated_storage=20,
    username="admin",
    manage_master_user_password=True,
    publicly_accessible=True,
    skip_final_snapshot=True,
    tags={"classification": "vertrouwelijk", "dosis-data": "none"},
)
