"""Good: the stack config shares a tag map through a YAML anchor and alias (no merge key); eu-west-1 only"""
import pulumi
import pulumi_aws as aws

cfg = pulumi.Config()
aws.s3.Bucket("logs", tags=cfg.require_object("logTags"))
aws.s3.Bucket("data", tags=cfg.require_object("dataTags"))
