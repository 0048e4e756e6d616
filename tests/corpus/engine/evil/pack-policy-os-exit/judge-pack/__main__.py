"""A policy that ends the process judging it, with success."""
import os

from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy


def _bye(args, report_violation):
    if args.resource_type == "aws:s3/bucket:Bucket":
        os._exit(0)


PolicyPack("corpus-bye", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="bye", description="exits", validate=_bye)])
