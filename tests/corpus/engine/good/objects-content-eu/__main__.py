"""Compliant: a static site of 300 S3 objects with 10 KB of inline content each (3 MB in all) in eu-west-1 -> passes under the default record size limit"""
import pulumi_aws as aws

bucket = aws.s3.Bucket("site")
for i in range(300):
    aws.s3.BucketObjectv2(f"page{i}", bucket=bucket.id, key=f"pages/{i}.html",
                          content=f"<!-- page {i} -->" + "x" * 10_000, content_type="text/html")
