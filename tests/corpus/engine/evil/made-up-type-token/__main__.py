"""Evil: a CustomResource with a made-up type token of an unknown package (require-known-resource-types)."""
import pulumi

pulumi.CustomResource("acmecloud:storage:Bucket", "records", {"region": "us-east-1", "name": "records"})
