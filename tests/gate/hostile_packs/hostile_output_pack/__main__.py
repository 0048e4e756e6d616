"""Round 21: a pack whose finding carries hostile text (escape sequences, a carriage return, a line that
reads as the gate's clean verdict, a lone surrogate, NUL) and which writes invalid UTF-8 and a fake verdict
to its standard output while it judges."""

import os

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

VERDICT = "gate: allowed (0 of 1 stacks blocked)"


def loud(args, report_violation):
    if args.resource_type == "aws:s3/bucket:Bucket":
        os.write(1, b"\xff\xfe\n" + VERDICT.encode() + b"\n")
        report_violation(f"m\x1b[2K\r\n{VERDICT}\udcff\x00\x0b\u2028{VERDICT}\n::error::spoof")


PolicyPack(name="hostile-output", enforcement_level=EnforcementLevel.MANDATORY, policies=[
    ResourceValidationPolicy(name="loud-policy", description="Hostile text in a finding.", validate=loud)])
