"""Evil: variant (after the fixes): structured stack config whose region key is given twice inside one object -> exit 2 naming the key"""
import pulumi
import pulumi_aws as aws

data = pulumi.Config().require_object("data")
aws.s3.Bucket("data", region=data["region"])
