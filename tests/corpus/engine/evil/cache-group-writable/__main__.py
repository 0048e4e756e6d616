"""Evil: variant (after the fixes): the cache entry of a blocked run edited to unblocked and left group-writable (a team-shared cache) -> exit 2 naming the entry"""
import pulumi_aws as aws

aws.s3.Bucket("us", region="us-east-1")
