"""Evil: the stack's secrets are encrypted by a Cloud KMS key in us-east1 (secretsprovider gcpkms, encryptedkey) while a secure: value tags vertrouwelijk data -> require-eea-state-backend"""
import pulumi
import pulumi_aws as aws

owner = pulumi.Config().require_secret("dossierOwner")
aws.s3.Bucket("dossiers", tags={"classification": "vertrouwelijk", "owner": owner})
