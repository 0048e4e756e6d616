"""Evil: getRegion's invoke options name a parent component whose providers map holds an us-east-1 provider; the invoke inherits it and names the bucket's region (require-eea-location)."""
import pulumi
import pulumi_aws as aws

virginia = aws.Provider("virginia", region="us-east-1")
group = pulumi.ComponentResource("corp:data:Group", "group", None,
                                 pulumi.ResourceOptions(providers={"aws": virginia}))
there = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=group))
aws.s3.Bucket("mirror", region=there.region)
