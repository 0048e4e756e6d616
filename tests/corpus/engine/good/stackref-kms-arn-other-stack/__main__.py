"""Good: a bucket encrypted with the KMS key another stack of the run creates in eu-west-1 and exports."""
import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    key = aws.kms.Key("data", description="shared data key", enable_key_rotation=True)
    pulumi.export("dataKeyArn", key.arn)
else:
    ref = pulumi.StackReference(f"organization/{pulumi.get_project()}/a")
    bucket = aws.s3.Bucket("records")
    aws.s3.BucketServerSideEncryptionConfiguration(
        "records", bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {
            "sse_algorithm": "aws:kms", "kms_master_key_id": ref.require_output("dataKeyArn")}}])
