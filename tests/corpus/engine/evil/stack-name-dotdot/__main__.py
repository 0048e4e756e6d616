"""Evil: --stack x/../corpus (the CLI refuses such a name; a path join reads Pulumi.x/../corpus.yaml, an EU file the stack never uses) -> exit 2 naming the stack name"""
import pulumi_aws as aws

aws.s3.Bucket("data")
