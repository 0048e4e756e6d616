"""Good (round 47): an extra pack uses ctypes for what ends nothing (a struct's size, libc's getpid) and judges a compliant program -> passes"""
import pulumi_aws as aws

aws.s3.Bucket("eu", region="eu-west-1", tags={"team": "data"})
