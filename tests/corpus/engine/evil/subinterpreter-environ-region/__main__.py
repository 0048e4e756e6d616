"""Evil: the region comes from $DEPLOY_REGION read in a subinterpreter (_xxsubinterpreters, its own audit hooks and os.environ), eu-west-1 only by default; CI sets us-east-1 -> exit 2 (no subinterpreter while recorded)"""
import _xxsubinterpreters as interpreters

import pulumi
import pulumi_aws as aws

channel = interpreters.channel_create()
helper = interpreters.create()
interpreters.run_string(helper, f'''
import os
import _xxsubinterpreters as interpreters
interpreters.channel_send({int(channel)}, os.environ.get("DEPLOY_REGION", "eu-west-1").encode())
''')
region = interpreters.channel_recv(channel).decode()
interpreters.destroy(helper)
provider = aws.Provider("deploy", region=region)
aws.s3.Bucket("records", opts=pulumi.ResourceOptions(provider=provider))
