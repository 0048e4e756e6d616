"""e-loket (VLAIO) components on AWS eu-west-1; one module per component (D36 §105-§117)."""

from components.aws.audit import AuditTrail, AuditTrailArgs
from components.aws.bucket import SecureBucket, SecureBucketArgs
from components.aws.cache import MemcachedCache, MemcachedCacheArgs
from components.aws.database import MySqlDatabase, MySqlDatabaseArgs
from components.aws.identity import HumanRoles, HumanRolesArgs, WorkloadIdentity, WorkloadIdentityArgs
from components.aws.keys import CustomerKey, CustomerKeyArgs
from components.aws.monitoring import SecurityMonitoring, SecurityMonitoringArgs
from components.aws.network import PortalNetwork, PortalNetworkArgs
from components.aws.platform import ContainerPlatform, ContainerPlatformArgs
from components.aws.privacy import PrivacyLog, PrivacyLogArgs
from components.aws.service import ContainerService, ContainerServiceArgs
from components.aws.web import WebEntry, WebEntryArgs

__all__ = [
    "AuditTrail",
    "AuditTrailArgs",
    "ContainerPlatform",
    "ContainerPlatformArgs",
    "ContainerService",
    "ContainerServiceArgs",
    "CustomerKey",
    "CustomerKeyArgs",
    "HumanRoles",
    "HumanRolesArgs",
    "MemcachedCache",
    "MemcachedCacheArgs",
    "MySqlDatabase",
    "MySqlDatabaseArgs",
    "PortalNetwork",
    "PortalNetworkArgs",
    "PrivacyLog",
    "PrivacyLogArgs",
    "SecureBucket",
    "SecureBucketArgs",
    "SecurityMonitoring",
    "SecurityMonitoringArgs",
    "WebEntry",
    "WebEntryArgs",
    "WorkloadIdentity",
    "WorkloadIdentityArgs",
]
