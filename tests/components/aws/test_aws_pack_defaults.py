"""Each e-loket component with its defaults passes both policy packs on its own (see ../conftest.py).

The components get what the portal stack gives them: controller-held keys, the portal network and tags
of the portal's PIA record; every finding on the component's resources fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from aws_support import ACCOUNT, record

from components.aws.audit import AuditTrail, AuditTrailArgs
from components.aws.bucket import SecureBucket, SecureBucketArgs
from components.aws.cache import MemcachedCache, MemcachedCacheArgs
from components.aws.database import MySqlDatabase, MySqlDatabaseArgs
from components.aws.files import SharedFiles, SharedFilesArgs
from components.aws.identity import HumanRoles, HumanRolesArgs, WorkloadIdentity, WorkloadIdentityArgs
from components.aws.key_store import ControllerKey
from components.aws.keys import CustomerKey, CustomerKeyArgs
from components.aws.monitoring import SecurityMonitoring, SecurityMonitoringArgs
from components.aws.network import PortalNetwork, PortalNetworkArgs
from components.aws.platform import ContainerPlatform, ContainerPlatformArgs
from components.aws.service import ContainerService, ContainerServiceArgs
from components.aws.web import WebEntry, WebEntryArgs
from components.common.tags import Tags

STACK = "portal-prod"
TAGS = Tags(system="e-loket", controller="VLAIO", pia_reference="PIA-ELOKET-AWS").as_dict()
DATA_TAGS = {**TAGS, "dosis-data": "none"}
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/human/eloket-key-admin"


class Base:
    """What the portal stack hands a component: keys per purpose, the network, the access-log bucket."""

    def __init__(self, opts: pulumi.ResourceOptions) -> None:
        self.keys = {
            p: ControllerKey(f"dep-{p}", CustomerKeyArgs(purpose=p, tags=TAGS, admin_arns=[ADMIN]), opts=opts)
            for p in ("data", "secrets", "logs", "trail")
        }
        self.opts = opts

    def network(self) -> PortalNetwork:
        return PortalNetwork("dep-net", PortalNetworkArgs(tags=TAGS, account_id=ACCOUNT,
                                                          flow_log_kms_key_arn=self.keys["logs"].arn),
                             opts=self.opts)

    def audit(self, name: str = "dep-audit") -> AuditTrail:
        return AuditTrail(name, AuditTrailArgs(
            account_id=ACCOUNT, tags=TAGS, trail_kms_key_arn=self.keys["trail"].arn,
            logs_kms_key_arn=self.keys["logs"].arn, access_log_bucket=self.access_logs().name),
            opts=self.opts)

    def monitoring(self, name: str, trail: AuditTrail) -> SecurityMonitoring:
        return SecurityMonitoring(name, SecurityMonitoringArgs(
            account_id=ACCOUNT, tags=TAGS, trail_log_group_name=trail.log_group.name,
            topic_kms_key_arn=self.keys["logs"].arn, config_bucket=trail.bucket.name,
            config_kms_key_arn=self.keys["trail"].arn), opts=self.opts)

    def web_entry(self, name: str, net: PortalNetwork) -> WebEntry:
        logs = self.access_logs()
        return WebEntry(name, WebEntryArgs(
            vpc_id=net.vpc.id, public_subnet_ids=net.subnet_ids("public"), access_log_bucket=logs.name,
            waf_log_kms_key_arn=self.keys["logs"].arn, tags=TAGS, access_log_ready=[logs.policy]),
            opts=self.opts)

    def access_logs(self) -> SecureBucket:
        return SecureBucket("dep-access-logs", SecureBucketArgs(tags=DATA_TAGS, log_delivery_target=True),
                            opts=self.opts)


def _bucket(b: Base) -> Any:
    return SecureBucket("c", SecureBucketArgs(tags=DATA_TAGS, kms_key_arn=b.keys["data"].arn,
                                              access_log_bucket=b.access_logs().name), opts=b.opts)


def _database(b: Base) -> Any:
    net = b.network()
    return MySqlDatabase("c", MySqlDatabaseArgs(
        vpc_id=net.vpc.id, subnet_ids=net.subnet_ids("data"), kms_key_arn=b.keys["data"].arn,
        secret_kms_key_arn=b.keys["secrets"].arn, log_kms_key_arn=b.keys["logs"].arn,
        client_security_group_ids=[net.app_security_group.id], account_id=ACCOUNT, tags=TAGS,
        endpoint_security_group_id=net.endpoint_security_group.id), opts=b.opts)


def _cache(b: Base) -> Any:
    net = b.network()
    return MemcachedCache("c", MemcachedCacheArgs(
        vpc_id=net.vpc.id, subnet_ids=net.subnet_ids("cache"),
        client_security_group_ids=[net.app_security_group.id], tags=TAGS), opts=b.opts)


def _files(b: Base) -> Any:
    net = b.network()
    return SharedFiles("c", SharedFilesArgs(
        vpc_id=net.vpc.id, subnet_ids=net.subnet_ids("app"),
        client_security_group_ids=[net.app_security_group.id], kms_key_arn=b.keys["data"].arn,
        account_id=ACCOUNT, tags=TAGS), opts=b.opts)


def _network(b: Base) -> Any:
    return PortalNetwork("c", PortalNetworkArgs(tags=TAGS, account_id=ACCOUNT,
                                                flow_log_kms_key_arn=b.keys["logs"].arn), opts=b.opts)


def _platform_and_service(b: Base) -> Any:
    net = b.network()
    entry = b.web_entry("dep-web", net)
    platform = ContainerPlatform("c", ContainerPlatformArgs(tags=TAGS, image_kms_key_arn=b.keys["data"].arn,
                                                            log_kms_key_arn=b.keys["logs"].arn), opts=b.opts)
    identity = WorkloadIdentity("dep-app", WorkloadIdentityArgs(account_id=ACCOUNT, tags=TAGS), opts=b.opts)
    return ContainerService("c-app", ContainerServiceArgs(
        cluster_arn=platform.cluster.arn, identity=identity, vpc_id=net.vpc.id,
        subnet_ids=net.subnet_ids("app"), vpc_cidr=net.cidr, s3_prefix_list_id=net.s3_endpoint.prefix_list_id,
        listener_arn=entry.https_listener.arn, alb_security_group_id=entry.security_group.id,
        image=platform.repositories["drupal"].repository_url,
        image_repository_arn=platform.repositories["drupal"].arn,
        path_patterns=("/*",), priority=100, log_kms_key_arn=b.keys["logs"].arn, tags=TAGS,
        security_group_id=net.app_security_group.id), opts=b.opts)


def _humans_and_workloads(b: Base) -> Any:
    b.monitoring("security", b.audit())   # the SOC alarm on break-glass use that require-admin-mfa names
    people = HumanRoles("c", HumanRolesArgs(account_id=ACCOUNT, tags=TAGS), opts=b.opts)
    return WorkloadIdentity("c-app", WorkloadIdentityArgs(
        account_id=ACCOUNT, tags=TAGS, permissions_boundary_arn=people.workload_boundary.arn), opts=b.opts)


COMPONENTS: dict[str, Callable[[Base], Any]] = {
    "SecureBucket": _bucket,
    "ControllerKey": lambda b: ControllerKey("c", CustomerKeyArgs(purpose="x", tags=TAGS, admin_arns=[ADMIN]),
                                             opts=b.opts),
    "CustomerKey": lambda b: CustomerKey("c", CustomerKeyArgs(purpose="x", tags=TAGS, admin_arns=[ADMIN]),
                                         opts=b.opts),
    "PortalNetwork": _network,
    "MySqlDatabase": _database,
    "MemcachedCache": _cache,
    "SharedFiles": _files,
    "HumanRoles+WorkloadIdentity": _humans_and_workloads,
    "AuditTrail": lambda b: b.audit("c"),
    "WebEntry": lambda b: b.web_entry("c", b.network()),
    "ContainerPlatform+ContainerService": _platform_and_service,
    "SecurityMonitoring": lambda b: b.monitoring("c", b.audit()),
}


@pytest.mark.parametrize("component", COMPONENTS)
def test_defaults_pass_both_packs(component, pack_findings):
    graph = record(lambda opts: COMPONENTS[component](Base(opts)))
    assert pack_findings(graph, STACK, "c") == []


def test_a_key_outside_the_stack_is_found(pack_findings):
    """The check can fail: a bucket under a key the stack does not hold is judged, not waved through."""
    other = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/00000000-0000-0000-0000-000000000000"

    def build(opts: pulumi.ResourceOptions) -> None:
        b = Base(opts)
        SecureBucket("c", SecureBucketArgs(tags=DATA_TAGS, kms_key_arn=other,
                                           access_log_bucket=b.access_logs().name), opts=opts)

    found = pack_findings(record(build), STACK, "c")
    assert any(f.startswith("require-controller-held-keys on c:") for f in found), found
