"""Evil: a us-east-1 bucket registered only once an RDS address (computed by AWS) has a value -> require-eea-location."""
import pulumi_aws as aws

db = aws.rds.Instance("orders", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                      username="orders", manage_master_user_password=True, skip_final_snapshot=True)
db.address.apply(lambda host: aws.s3.Bucket("orders-dumps", region="us-east-1") if host else None)
