"""Evil: 400 S3 objects each with its own 1 MB inline `content` (far under the resource limit, 400 MB of inputs held in each recording worker), then a us-east-1 bucket -> exit 2 naming the record size limit"""
import pulumi_aws as aws

bucket = aws.s3.Bucket("site")
for i in range(400):
    aws.s3.BucketObjectv2(f"page{i}", bucket=bucket.id, key=f"pages/{i}.html",
                          content=f"<!-- page {i} -->" + "x" * 1_000_000, content_type="text/html")
aws.s3.Bucket("late", region="us-east-1")
