"""Good: queue and log group names built from a bucket id and a database's computed address, tags from a port -> []."""
import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("uploads")
db = aws.rds.Instance("portal", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                      username="portal", manage_master_user_password=True, skip_final_snapshot=True)
aws.sqs.Queue("uploads-events", name=bucket.id.apply(lambda i: f"{i}-events"))
aws.cloudwatch.LogGroup("portal-db", name=db.address.apply(lambda h: f"/eloket/db/{h.split('.')[0]}"),
                        retention_in_days=365)
aws.ssm.Parameter("portal-db-port", type="String", value=db.port.apply(lambda p: str(int(p))))
pulumi.export("dbHost", db.endpoint.apply(lambda e: e.rsplit(":", 1)[0]))
