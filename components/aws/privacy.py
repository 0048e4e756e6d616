"""The privacy log (PROT 13°; DPA annex 3 a.iii; annex 1: 10 years)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.aws.common import TEN_YEARS_DAYS, encrypted_log_group


@dataclass
class PrivacyLogArgs:
    kms_key_arn: pulumi.Input[str]
    """Logs CMK."""
    tags: dict[str, str]
    """Mandatory tags; adds `dosis-data: none`."""
    retention_days: int = TEN_YEARS_DAYS
    """Who consulted which data about whom, when, why — kept 10 years (DPA annex 1, annex 3 a.iii)."""
    log_group_name: str = "/eloket/privacy"
    """Log group name the application writes to."""


class PrivacyLog(pulumi.ComponentResource):
    """The privacy log (PROT 13°): a CMK-encrypted, protected log group with 10-year retention."""

    def __init__(self, name: str, args: PrivacyLogArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:PrivacyLog", name, None, opts)
        if args.retention_days < TEN_YEARS_DAYS:
            raise ValueError(f"PrivacyLog {name}: retention must be at least {TEN_YEARS_DAYS} days")
        self.log_group = encrypted_log_group(
            name,
            self,
            log_group_name=args.log_group_name,
            kms_key_arn=args.kms_key_arn,
            retention_in_days=args.retention_days,
            tags={**args.tags, "dosis-data": "none"},
        )
        self.arn = self.log_group.arn
        self.register_outputs({"arn": self.log_group.arn})
