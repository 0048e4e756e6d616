"""Good (round 48): a pack reads the gate's modules (gate.process_ends.tried(), gate.model's names) and keeps a cache of its own on sys, changing nothing of the gate's -> allowed"""
import pulumi_aws as aws

aws.s3.Bucket("eu", region="eu-west-1")
for i in range(200):
    aws.sqs.Queue(f"q{i}")
