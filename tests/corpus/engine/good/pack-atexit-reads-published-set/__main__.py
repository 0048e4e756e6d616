"""Good (round 49): a pack's atexit handler reads the published set (run.json and the reports it lists) once the gate wrote it; nothing in --out changed -> allowed, the set as published"""
import pulumi_aws as aws

aws.s3.Bucket("eu", region="eu-west-1")
aws.sqs.Queue("q")
