"""Customer-managed-key judges of data a store writes elsewhere (round 17): the replicas of a DynamoDB
global table, the query results of an Athena workgroup, (round 18) the master-password secrets databases
make for themselves and (round 19) RDS Performance Insights data. Kept apart so the rule module stays
small; require-customer-managed-keys merges them into its tables. Closed world: what cannot be read blocks."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.pia_more_stores import KeyJudge, KeyOf
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

ATHENA_WORKGROUP = "aws:athena/workgroup:Workgroup"
_RESULTS = "configuration.resultConfiguration"
_KMS_OPTIONS = ("SSE_KMS", "CSE_KMS")


def store_keys(flagged: Callable[..., KeyJudge], key_of: KeyOf) -> dict[str, KeyJudge]:
    """The stores judged here, given the rule's `_key` (a key behind an on/off flag) and `_judge_key`."""
    table = flagged("serverSideEncryption.kmsKeyArn", flag="serverSideEncryption.enabled")
    secrets = {
        t: master_secret(flagged(key, flag=flag), manage, secret_key, key_of)
        for t, (key, flag, manage, secret_key) in _MASTER_SECRETS.items()
    }
    return {
        "aws:dynamodb/table:Table": with_replicas(table, key_of, "kmsKeyArn"),
        "aws:secretsmanager/secret:Secret": with_replicas(flagged("kmsKeyId"), key_of, "kmsKeyId"),
        **secrets,
        **{t: performance_insights(secrets.get(t, _none), key_of) for t in _INSIGHTS},
    }


# RDS resources that may turn Performance Insights on (round 19); an Aurora instance's storage is its
# cluster's, but its Performance Insights data is its own.
_INSIGHTS = (
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
)


def _none(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
    return []


def _on(value: object) -> bool:
    return value is True or str(value).lower() == "true"


def performance_insights(store: KeyJudge, key_of: KeyOf) -> KeyJudge:
    """Performance Insights keeps the statements the database ran (their literals are personal data) under
    its own key: without `performanceInsightsKmsKeyId` that is aws/rds, whatever key the database uses."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        out = store(r, graph, known)
        on = r.get("performanceInsightsEnabled")
        if is_unknown(on):
            return [*out, unknown_message("performanceInsightsEnabled", "the Performance Insights key")]
        if not _on(on):
            return out
        return out + key_of("performanceInsightsKmsKeyId", r.get("performanceInsightsKmsKeyId"), known)

    return judge


# Databases that keep their master password in a Secrets Manager secret they create (round 18): without the
# secret's key field the password lands under aws/secretsmanager, whatever key encrypts the database.
_RDS_SECRET = ("manageMasterUserPassword", "masterUserSecretKmsKeyId")
_MASTER_SECRETS = {
    "aws:rds/instance:Instance": ("kmsKeyId", "storageEncrypted", *_RDS_SECRET),
    "aws:rds/cluster:Cluster": ("kmsKeyId", "storageEncrypted", *_RDS_SECRET),
    "aws:redshift/cluster:Cluster": (
        "kmsKeyId",
        "encrypted",
        "manageMasterPassword",
        "masterPasswordSecretKmsKeyId",
    ),
    # round 22: DocumentDB may manage its secret too, but the provider has no field for that secret's key
    "aws:docdb/cluster:Cluster": ("kmsKeyId", "storageEncrypted", "manageMasterUserPassword", None),
}
# A master password given as an input (round 22) sits in the program, its configuration and the state, under
# no key of the controller: only the secret the database manages is accepted (an RDS instance names it
# `password`, round 29).
_PLAIN_PASSWORDS = ("masterPassword", "masterPasswordWo", "password", "passwordWo")  # RDS instances: password


def master_secret(store: KeyJudge, manage: str, secret_key: str | None, key_of: KeyOf) -> KeyJudge:
    """The store's own key, then the key of the master-password secret the database manages (if it does),
    else no password given as an input. DocumentDB's managed secret is not judged: the provider has no field
    for its key (a known limit)."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        out = store(r, graph, known)
        managed = r.get(manage)
        if is_unknown(managed):
            return [*out, unknown_message(manage, "where the master password is kept")]
        if not _on(managed):
            return out + [plain_password_message(f, manage) for f in _PLAIN_PASSWORDS if r.get(f) is not None]
        return out + key_of(secret_key, r.get(secret_key), known) if secret_key else out

    return judge


def plain_password_message(fld: str, manage: str) -> str:
    return (
        f"`{fld}` gives the master password as an input: it is kept in the program, its configuration and "
        f"the state, under no customer-managed key; set `{manage}` true (the database keeps it in a secret "
        "under the key you name) and leave the password out"
    )


def with_replicas(store: KeyJudge, key_of: KeyOf, field: str) -> KeyJudge:
    """The store's own key, then every replica's: a DynamoDB replica without kmsKeyArn, or a Secrets Manager
    replica without kmsKeyId (round 27), is encrypted with the AWS-managed key of its region (aws/dynamodb,
    aws/secretsmanager), whatever key the primary uses."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        replicas = r.get("replicas")
        if is_unknown(replicas):
            return [*store(r, graph, known), unknown_message("replicas", "the replicas' encryption")]
        out = store(r, graph, known)
        if replicas is not None and not isinstance(replicas, list):  # the provider takes a list
            kind = type(replicas).__name__
            return [*out, f"`replicas` is {kind}, not a list of replicas, so the replicas' encryption cannot "
                          "be judged; give a list (one object per replica)"]
        for i, rep in enumerate(replicas or []):
            key = rep.get(field) if isinstance(rep, dict) else rep
            out += key_of(f"replicas.{i}.{field}", key, known)
        return out

    return judge


def athena_workgroup(key_of: KeyOf) -> KeyJudge:
    """Query results (the personal data a query selected) land in S3 under the workgroup's encryption:
    SSE_KMS or CSE_KMS with a customer-managed key, enforced over the clients' own settings."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        enforced = r.get("configuration.enforceWorkgroupConfiguration")
        option = r.get(f"{_RESULTS}.encryptionConfiguration.encryptionOption")
        paths = ("configuration", _RESULTS, f"{_RESULTS}.encryptionConfiguration")
        if is_unknown(enforced) or is_unknown(option) or any(is_unknown(r.get(x)) for x in paths):
            return [unknown_message(f"{_RESULTS}.encryptionConfiguration", "the query results' encryption")]
        out = []
        if enforced is False:
            out.append(
                "`configuration.enforceWorkgroupConfiguration` is false: each client chooses how its query "
                "results are encrypted; enforce the workgroup's SSE_KMS setting"
            )
        if option not in _KMS_OPTIONS:
            return [
                *out,
                f"`{_RESULTS}.encryptionConfiguration.encryptionOption` is {option!r}: query results are not "
                "encrypted with a customer-managed key (use SSE_KMS or CSE_KMS with kmsKeyArn)",
            ]
        return out + key_of(
            f"{_RESULTS}.encryptionConfiguration.kmsKeyArn",
            r.get(f"{_RESULTS}.encryptionConfiguration.kmsKeyArn"),
            known,
        )

    return judge
