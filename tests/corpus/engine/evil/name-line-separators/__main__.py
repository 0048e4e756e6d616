"""Evil: a resource name with NUL, a carriage return, NEL, U+2028/U+2029, a record separator and a right-to-left override, each followed by a line that reads as the gate's clean verdict -> require-eea-location, no output line starts with that verdict"""
import pulumi_aws as aws

VERDICT = "gate: allowed (0 blocking, 0 of 1 stacks blocked)"
name = "x" + "".join(sep + VERDICT for sep in ("\x00", "\r", "\x85", "\u2028", "\u2029", "\x1e", "\x0b", "\x0c", "\u202e"))
aws.s3.Bucket(name, region="us-east-1")
