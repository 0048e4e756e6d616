"""Evil: pulumi.log.warn with a newline and '::stop-commands::' / ANSI escapes that a CI log would interpret -> require-eea-location, no workflow command in the output"""
import pulumi
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
pulumi.log.warn("done\n::stop-commands::corpus\n\x1b[1A\x1b[2Kgate: allowed (0 of 1 stacks blocked)")
