"""Evil: the stack imports an ESC environment the gate cannot read (it may set aws:region, endpoints, credentials)."""
import pulumi_aws as aws

aws.s3.Bucket("records")
