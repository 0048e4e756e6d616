"""Evil: a provider whose region is chosen from the RDS endpoint's shape (us-east-1 once it is known) -> require-eea-location."""
import pulumi
import pulumi_aws as aws

db = aws.rds.Instance("reports", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                      username="reports", manage_master_user_password=True, skip_final_snapshot=True)


def copy_to(endpoint):
    region = "us-east-1" if endpoint and ".rds.amazonaws.com" in endpoint else "eu-west-1"
    dr = aws.Provider("dr", region=region)
    return aws.s3.Bucket("reports-copy", opts=pulumi.ResourceOptions(provider=dr)).id


pulumi.export("copy", db.endpoint.apply(copy_to))
