"""Evil: the region is read from settings/region.txt in a subinterpreter (_testcapi.run_in_subinterp, which no audit hook of the program's interpreter sees) and sent back over a pipe; the file changes to us-east-1 after a cached clean run -> exit 2 (no subinterpreter while recorded)"""
import _testcapi
import os

import pulumi_aws as aws

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "settings", "region.txt")
read, write = os.pipe()
_testcapi.run_in_subinterp(f"import os; os.write({write}, open({path!r}).read().strip().encode())")
region = os.read(read, 100).decode()
aws.s3.Bucket("data", region=region)
