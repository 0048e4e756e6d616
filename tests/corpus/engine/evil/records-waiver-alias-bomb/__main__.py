"""Evil: a waiver's reason is a YAML alias bomb (10^9 strings from one line of aliases) -> exit 2 naming the file and key, quickly"""
import pulumi_aws as aws

aws.s3.Bucket("data")
