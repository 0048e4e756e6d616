"""Evil: the aws provider plugin is fetched from the team's own server (a patched build): its type says nothing."""
import pulumi
import pulumi_aws as aws

patched = aws.Provider("patched", region="eu-west-1",
                       opts=pulumi.ResourceOptions(plugin_download_url="https://plugins.example.com/aws"))
aws.s3.Bucket("records", opts=pulumi.ResourceOptions(provider=patched))
