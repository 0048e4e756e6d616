"""Evil: backend.url says region=eu-west-1 but its endpoint= sends the state to a US host (require-eea-state-backend)."""
import pulumi_aws as aws

aws.s3.Bucket("records")
