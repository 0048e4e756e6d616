"""Good: an explicit eu-west-1 provider, a secret input, a random password, pulumi.log.info, Output.all and an exported secret"""
import pulumi
import pulumi_aws as aws
import pulumi_random as random

ireland = aws.Provider("ireland", region="eu-west-1")
opts = pulumi.ResourceOptions(provider=ireland)
password = random.RandomPassword("db", length=24, special=False)
param = aws.ssm.Parameter("db-password", type="SecureString", value=password.result, opts=opts)
bucket = aws.s3.Bucket("reports", opts=opts)
topic = aws.sns.Topic("alerts", opts=opts)
both = pulumi.Output.all(bucket.arn, topic.arn).apply(lambda arns: ",".join(arns))
pulumi.log.info("recording the ireland stack")
pulumi.export("arns", both)
pulumi.export("password", pulumi.Output.secret(password.result))
