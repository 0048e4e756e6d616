"""Evil: a child named with '$' and a type, so a URN's parent-type chain reads another type -> require-eea-location"""
import pulumi
import pulumi_aws as aws

lake = pulumi.ComponentResource("corpus:index:Lake", "lake")
aws.s3.Bucket("raw$pulumi:providers:aws", region="us-east-1", opts=pulumi.ResourceOptions(parent=lake))
