"""Evil: a stack cache directory others can write (mode 0777, shared between users) whose entry was edited to unblocked -> exit 2 naming the cache directory (or the edit detected)"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
