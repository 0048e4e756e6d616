"""The public entry: ALB with TLS 1.3 policy, HTTP→HTTPS redirect, regional WAF (DPA annex 3 a.ii, b.v)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

import components.aws.policy as policy
from components.aws.common import child, encrypted_log_group
from policies.core.eea import PORTAL_REGION

MODERN_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
HSTS = "max-age=31536000; includeSubDomains"
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesPHPRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)
# Regions opened before August 2022 deliver ALB logs from a regional ELB account.
ELB_LOG_ACCOUNTS = {
    "eu-west-1": "156460612806",
    "eu-west-3": "009996457667",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "eu-south-1": "635631232127",
}


def alb_log_delivery_statements(
    bucket_arn: pulumi.Output[str], account_id: str, region: str = PORTAL_REGION, prefix: str = "alb"
) -> list[dict[str, Any]]:
    """Bucket-policy statements letting ELB deliver access logs of this account into `prefix/`."""
    if region in ELB_LOG_ACCOUNTS:
        principal: dict[str, Any] = {"AWS": f"arn:aws:iam::{ELB_LOG_ACCOUNTS[region]}:root"}
    else:
        principal = {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    return [
        policy.statement(
            "Allow",
            ["s3:PutObject"],
            pulumi.Output.concat(bucket_arn, f"/{prefix}/AWSLogs/{account_id}/*"),
            sid="AlbLogDelivery",
            principal=principal,
        )
    ]


def s3_log_delivery_statements(bucket_arn: pulumi.Output[str], account_id: str) -> list[dict[str, Any]]:
    """Bucket-policy statement letting S3 deliver server access logs of this account's buckets."""
    return [
        policy.statement(
            "Allow",
            ["s3:PutObject"],
            pulumi.Output.concat(bucket_arn, "/s3/*"),
            sid="S3ServerAccessLogs",
            principal={"Service": "logging.s3.amazonaws.com"},
            condition={"StringEquals": {"aws:SourceAccount": account_id}},
        )
    ]


@dataclass
class WebEntryArgs:
    vpc_id: pulumi.Input[str]
    """VPC of the load balancer."""
    public_subnet_ids: list[pulumi.Input[str]]
    """Public subnets (one per AZ) — the only public part of the portal."""
    access_log_bucket: pulumi.Input[str]
    """EU bucket receiving the ALB access logs (traffic logging, DPA annex 3 a.iii)."""
    waf_log_kms_key_arn: pulumi.Input[str]
    """CMK of the WAF log group."""
    tags: dict[str, str]
    """Mandatory tags."""
    domain_name: str = "www.vlaanderenonderneemt.be"
    """Public host name; an ACM certificate (DNS validation) is requested when no certificate is given."""
    certificate_arn: pulumi.Input[str] | None = None
    """Existing ACM certificate in the portal region."""
    ssl_policy: str = MODERN_TLS_POLICY
    """TLS policy of the HTTPS listener (TLS 1.3 and 1.2 only)."""
    managed_rule_groups: tuple[str, ...] = MANAGED_RULE_GROUPS
    """AWS managed WAF rule groups, evaluated in this order."""
    ingress_cidrs: tuple[str, ...] = ("0.0.0.0/0",)
    """Who may reach the portal (it is a public e-loket)."""
    log_retention_days: int = 400
    """Retention of WAF logs."""
    vpc_cidr: str = "10.20.0.0/16"
    """VPC address space; the ALB only talks to targets inside it."""
    target_port: int = 8080
    """Port of the targets (HTTPS to the tasks)."""
    access_log_ready: list[pulumi.Resource] = field(default_factory=list)
    """What must exist before the ALB: the log bucket's policy (ELB checks it can write when the ALB is
    created with access logs on, and refuses otherwise)."""


class WebEntry(pulumi.ComponentResource):
    """Internet-facing ALB in eu-west-1: HTTPS only (HTTP redirects), WAF in front, logs in the EU."""

    def __init__(self, name: str, args: WebEntryArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("dosis-eloket:aws:WebEntry", name, None, opts)
        tags = args.tags
        self._load_balancer(name, args, tags)
        self._listeners(name, args, tags)
        self._firewall(name, args, tags)
        self.register_outputs({"dnsName": self.load_balancer.dns_name, "webAclArn": self.web_acl.arn})

    def _load_balancer(self, name: str, args: WebEntryArgs, tags: dict[str, str]) -> None:
        """The ALB in the public subnets: its security group admits 443/80 from `ingress_cidrs` and reaches
        only the tasks; access logs to the EU bucket."""
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-alb",
            vpc_id=args.vpc_id,
            description="Public HTTPS entry of the e-loket",
            ingress=[
                {
                    "protocol": "tcp",
                    "from_port": p,
                    "to_port": p,
                    "cidr_blocks": list(args.ingress_cidrs),
                    "description": d,
                }
                for p, d in ((443, "HTTPS"), (80, "HTTP, redirected to HTTPS"))
            ],
            egress=[
                {
                    "protocol": "tcp",
                    "from_port": args.target_port,
                    "to_port": args.target_port,
                    "cidr_blocks": [args.vpc_cidr],
                    "description": "To the tasks",
                }
            ],
            tags=tags,
            opts=child(self),
        )
        self.load_balancer = aws.lb.LoadBalancer(
            name,
            load_balancer_type="application",
            internal=False,
            subnets=args.public_subnet_ids,
            security_groups=[self.security_group.id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=True,
            desync_mitigation_mode="strictest",
            access_logs={"bucket": args.access_log_bucket, "enabled": True, "prefix": "alb"},
            tags=tags,
            opts=child(self, depends_on=list(args.access_log_ready)),
        )

    def _listeners(self, name: str, args: WebEntryArgs, tags: dict[str, str]) -> None:
        """HTTPS listener (given or DNS-validated certificate, security headers, 404 by default); HTTP
        redirects to it."""
        cert = args.certificate_arn
        if cert is None:
            certificate = aws.acm.Certificate(
                f"{name}-cert",
                domain_name=args.domain_name,
                validation_method="DNS",
                key_algorithm="EC_prime256v1",
                tags=tags,
                opts=child(self),
            )
            # Waits until the DNS owner has published the validation record; the listener needs an
            # issued certificate.
            cert = aws.acm.CertificateValidation(
                f"{name}-cert", certificate_arn=certificate.arn, opts=child(self)
            ).certificate_arn
        self.https_listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.load_balancer.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=args.ssl_policy,
            certificate_arn=cert,
            default_actions=[
                {
                    "type": "fixed-response",
                    "fixed_response": {
                        "content_type": "text/plain",
                        "status_code": "404",
                        "message_body": "Not found",
                    },
                }
            ],
            routing_http_response_strict_transport_security_header_value=HSTS,
            routing_http_response_x_content_type_options_header_value="nosniff",
            routing_http_response_x_frame_options_header_value="SAMEORIGIN",
            routing_http_response_server_enabled=False,
            tags=tags,
            opts=child(self),
        )
        aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=self.load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                {
                    "type": "redirect",
                    "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"},
                }
            ],
            tags=tags,
            opts=child(self),
        )

    def _firewall(self, name: str, args: WebEntryArgs, tags: dict[str, str]) -> None:
        """The WAF web ACL with the managed rule groups, attached to the ALB, logging (secrets redacted) to a
        CMK log group."""
        metric = name.replace("-", "")
        self.web_acl = aws.wafv2.WebAcl(
            name,
            scope="REGIONAL",
            default_action={"allow": {}},
            rules=[
                {
                    "name": group,
                    "priority": i,
                    "override_action": {"none": {}},
                    "statement": {"managed_rule_group_statement": {"vendor_name": "AWS", "name": group}},
                    "visibility_config": {
                        "cloudwatch_metrics_enabled": True,
                        "metric_name": group,
                        "sampled_requests_enabled": True,
                    },
                }
                for i, group in enumerate(args.managed_rule_groups)
            ],
            visibility_config={
                "cloudwatch_metrics_enabled": True,
                "metric_name": metric,
                "sampled_requests_enabled": True,
            },
            tags=tags,
            opts=child(self),
        )
        aws.wafv2.WebAclAssociation(
            name, resource_arn=self.load_balancer.arn, web_acl_arn=self.web_acl.arn, opts=child(self)
        )
        waf_logs = encrypted_log_group(
            f"{name}-waf",
            self,
            log_group_name=f"aws-waf-logs-{name}",
            kms_key_arn=args.waf_log_kms_key_arn,
            retention_in_days=args.log_retention_days,
            tags=tags,
        )
        aws.wafv2.WebAclLoggingConfiguration(
            name,
            resource_arn=self.web_acl.arn,
            log_destination_configs=[waf_logs.arn],
            redacted_fields=[
                {"single_header": {"name": "authorization"}},
                {"single_header": {"name": "cookie"}},
            ],
            opts=child(self),
        )
