# stack a exports a literal eu-west-1 KMS key ARN of account 999999999999 (no resource of a's graph); stack b's bucket is encrypted with it -> require-resolved-references
"""Evil: an ARN another stack exports but no resource of its graph has: a key held by someone else."""
import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    aws.kms.Key("data", description="a's own key", enable_key_rotation=True)
    pulumi.export("dataKeyArn",
                  "arn:aws:kms:eu-west-1:999999999999:key/3f1e2d4c-5b6a-4789-8abc-0123456789ab")
else:
    ref = pulumi.StackReference(f"organization/{pulumi.get_project()}/a")
    bucket = aws.s3.Bucket("records")
    aws.s3.BucketServerSideEncryptionConfiguration(
        "records", bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": {
            "sse_algorithm": "aws:kms", "kms_master_key_id": ref.require_output("dataKeyArn")}}])
