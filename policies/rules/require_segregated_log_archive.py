"""The log archive belongs to another team than the one it logs (R2016 organisational measures: "log
management by another team of the same firm remains a risk"; DPA annex 3 b.vii, a SIEM that can be
trusted; DPA annex 1, 10 years).

AWS, when the stack runs CloudTrail: an organisation trail created through a provider that pins a
log-archive account other than every workload account; multi-region, logging, log-file validation; its
bucket in that account with Object Lock COMPLIANCE >= 10 years and a bucket policy that denies every
principal of the workload accounts deleting, shortening or re-configuring it; its key in that account and
denied to the workload accounts; no role of the archive account that the workload side may assume, and no
workload principal (break-glass included), holds a tamper action on the trail, its bucket or its key.
Azure, when the stack exports an activity log: for every exporting subscription, one export lands in a
Sentinel workspace of another, explicitly named subscription, locked against deletion, whose AzureActivity
table keeps 10 years; no principal with a role in the workload subscription holds a role on the archive.
What cannot be placed (a provider that pins no account or subscription, a bucket, key or workspace outside
the stack, an unparsable policy) blocks, with what would make it judgeable.
"""

from __future__ import annotations

from policies.core.accounts import aws_account, azure_subscription, denied_to_accounts
from policies.core.helpers import linked, parse_policy
from policies.core.iam.breakglass import entry_for, records
from policies.core.iam.catalogue import expand
from policies.core.iam.principals import aws_principals
from policies.core.iam.statements import as_list, principals, statement_actions
from policies.core.rule import Rule, RuleContext
from policies.core.view import ResourceView, StackGraph, is_unknown

TRAIL = "aws:cloudtrail/trail:Trail"
BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
OBJECT_LOCK = (
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
)
BUCKET_POLICY = ("aws:s3/bucketPolicy:BucketPolicy",)
KEYS = ("aws:kms/key:Key", "aws:kms/externalKey:ExternalKey")
DIAG = "azure-native:monitor:SubscriptionDiagnosticSetting"
WORKSPACE = "azure-native:operationalinsights:Workspace"
ONBOARDING = ("azure-native:securityinsights:SentinelOnboardingState",)
TABLE = ("azure-native:operationalinsights:Table",)
LOCKS = ("azure-native:authorization:ManagementLockByScope",)
ASSIGNMENT = "azure-native:authorization:RoleAssignment"
TEN_YEARS_DAYS = 3650

# Everything that would stop, redirect, shorten or delete what the archive holds.
TRAIL_TAMPER = frozenset().union(*(expand(f"cloudtrail:{a}") for a in (
    "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors")))
BUCKET_TAMPER = frozenset().union(*(expand(f"s3:{a}") for a in (
    "DeleteObject", "DeleteObjectVersion", "DeleteBucket", "PutBucketPolicy", "DeleteBucketPolicy",
    "PutLifecycleConfiguration", "PutBucketObjectLockConfiguration", "PutObjectRetention",
    "BypassGovernanceRetention", "PutBucketVersioning")))
KEY_TAMPER = frozenset().union(*(expand(f"kms:{a}") for a in (
    "ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy", "CreateGrant")))
TAMPER = TRAIL_TAMPER | BUCKET_TAMPER | KEY_TAMPER
HOW = ("create the trail, its bucket and key with the LogArchive component through a provider that pins the "
       "log-archive account (logArchiveAccountId/logArchiveRoleArn, docs/sovereignty.md)")


def _names(view: ResourceView) -> set[str]:
    out = {view.name}
    for k in ("bucket", "name", "arn", "keyId"):
        v = view.input(k)
        if isinstance(v, str) and not is_unknown(v):
            out.add(v)
    return out


def _refs(graph: StackGraph, holder: ResourceView, field: str, types: tuple[str, ...]) -> list[ResourceView]:
    found = [d for d in graph.dependency_of(holder, field) if d.type in types]
    value = holder.input(field)
    if not found and isinstance(value, str) and not is_unknown(value):
        found = [r for r in graph.by_type(*types) if value in _names(r) or value.endswith(f"/{r.name}")]
    return found


def _workload_accounts(graph: StackGraph, archive: set[str]) -> tuple[set[str], list[str]]:
    """Accounts of every provider that deploys AWS resources outside the archive providers."""
    accounts: set[str] = set()
    problems: list[str] = []
    seen: set[str] = set()
    for r in graph.resources:
        if not r.type.startswith("aws:") or not r.custom:
            continue
        key = (r.provider.urn or r.provider.name) if r.provider is not None else ""
        if key in seen or key in archive:
            continue
        seen.add(key)
        account, problem = aws_account(r.provider)
        if problem:
            problems.append(f"{problem} (it deploys {r.type} {r.name!r}), so the workload cannot be told "
                            "apart "
                            "from the archive")
        else:
            accounts.add(account)
    return accounts, problems


def _bucket(graph: StackGraph, b: ResourceView, account: str, workload: set[str]) -> list[str]:
    out: list[str] = []
    where, problem = aws_account(b.provider)
    if where != account:
        out.append(f"bucket {b.name!r} is not created in the archive account {account} ({problem or where})")
    locks = linked(graph, b, OBJECT_LOCK, "bucket")
    rule = locks[0].get("rule.defaultRetention") if locks else None
    days = 0
    if isinstance(rule, dict):
        days = rule.get("days") or (rule.get("years") or 0) * 365
    if not isinstance(rule, dict) or rule.get("mode") != "COMPLIANCE" or not isinstance(days, int | float) \
            or days < TEN_YEARS_DAYS:
        out.append(f"bucket {b.name!r} has no Object Lock in COMPLIANCE mode for >= {TEN_YEARS_DAYS} days")
    policies = linked(graph, b, BUCKET_POLICY, "bucket")
    if not policies:
        return [*out, f"bucket {b.name!r} has no bucket policy denying the workload accounts; {HOW}"]
    stmts, problem = parse_policy(policies[0], "policy")
    if problem:
        return [*out, f"bucket policy of {b.name!r}: {problem}"]
    name = next((n for n in _names(b) if n != b.name), b.name)
    missing = BUCKET_TAMPER - denied_to_accounts(stmts, BUCKET_TAMPER, workload, name)
    if missing:
        out.append(f"the policy of bucket {b.name!r} does not deny the workload accounts "
                   f"{sorted(workload)}: {', '.join(sorted(missing))}")
    return out


def _key(graph: StackGraph, trail: ResourceView, account: str, workload: set[str]) -> list[str]:
    keys = _refs(graph, trail, "kmsKeyId", KEYS)
    if not keys:
        return [f"the trail's `kmsKeyId` is not a key of this stack, so who may disable it cannot be "
                f"judged; {HOW}"]
    out: list[str] = []
    for k in keys:
        where, problem = aws_account(k.provider)
        if where != account:
            out.append(f"key {k.name!r} is not in the archive account {account} ({problem or where})")
        stmts, problem = parse_policy(k, "policy")
        if problem:
            out.append(f"key {k.name!r}: {problem}")
            continue
        missing = KEY_TAMPER - denied_to_accounts(stmts, KEY_TAMPER, workload)
        if missing:
            out.append(f"the policy of key {k.name!r} does not deny the workload accounts: "
                       f"{', '.join(sorted(missing))}")
    return out


def _org_trail(graph: StackGraph, t: ResourceView, workload: set[str]) -> list[str]:
    account, problem = aws_account(t.provider)
    if problem:
        return [f"the organisation trail {t.name!r}: {problem}; {HOW}"]
    if account in workload:
        return [f"the organisation trail {t.name!r} is in account {account}, which also runs the "
                f"workload; {HOW}"]
    out = [f"`{k}` is not true" for k in ("isMultiRegionTrail", "enableLogFileValidation")
           if t.input(k) is not True]
    if t.input("enableLogging") is False:
        out.append("`enableLogging` is false")
    buckets = _refs(graph, t, "s3BucketName", BUCKETS)
    if not buckets:
        out.append(f"the trail's bucket {t.input('s3BucketName')!r} is not in this stack, so its lock and "
                   f"policy cannot be judged; {HOW}")
    for b in buckets:
        out.extend(_bucket(graph, b, account, workload))
    return out + _key(graph, t, account, workload)


def _admits(trust: list[dict], accounts: set[str]) -> bool:
    for s in trust:
        if s.get("Effect") != "Allow":
            continue
        who = principals(s)
        values = who.get("AWS", []) + who.get("*", [])
        if "*" in values or any(a in v for v in values for a in accounts):
            return True
    return False


def _names_archive(stmts: list[dict], names: set[str]) -> frozenset[str]:
    hit: set[str] = set()
    for s in stmts:
        res = [str(r) for r in as_list(s.get("Resource"))]
        if s.get("Effect") == "Allow" and any(n in r for r in res for n in names):
            hit |= statement_actions(s) & TAMPER
    return frozenset(hit)


def _principals(graph: StackGraph, archive: dict[str, str], workload: set[str], names: set[str],
                stack: str) -> list[tuple[str, str]]:
    """Archive roles the workload may assume, and workload principals granted tamper actions on it."""
    glass = records(stack)
    out: list[tuple[str, str]] = []
    for p in aws_principals(graph):
        account, _ = aws_account(p.view.provider)
        if account in archive.values():
            acts = p.actions() & TAMPER
            if acts and _admits(p.trust, workload):
                out.append((p.view.urn, f"{p.kind} {p.physical_name!r} of the log-archive account may be "
                            f"assumed from the workload side and can {', '.join(sorted(acts)[:4])}"))
            continue
        acts = _names_archive(p.statements, names)
        if acts:
            bg = " (a break-glass principal)" if entry_for(glass, p.kind, p.physical_name) else ""
            out.append((p.view.urn, f"workload {p.kind} {p.physical_name!r}{bg} is granted "
                        f"{', '.join(sorted(acts)[:4])} on the log archive"))
    return out


def _aws(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    trails = graph.by_type(TRAIL)
    if not trails:
        return []  # no CloudTrail here: require-siem-logging asks for one
    org = [t for t in trails if t.input("isOrganizationTrail") is True]
    if not org:
        return [(t.urn, f"trail {t.name!r} records into the workload account only and no organisation trail "
                 f"in a separate log-archive account is in this stack; {HOW}") for t in trails]
    archive = {t.provider.urn or t.provider.name: t.urn for t in org if t.provider is not None}
    workload, problems = _workload_accounts(graph, set(archive))
    out = [(org[0].urn, p) for p in problems] if org else []
    if org and not workload and not problems:
        out.append((org[0].urn, "no workload account is placed in this stack, so the archive cannot be "
                    "shown to be another account's; pin allowedAccountIds on the workload provider"))
    names: set[str] = set()
    accounts: dict[str, str] = {}
    for t in org:
        out.extend((t.urn, m) for m in _org_trail(graph, t, workload))
        account, _ = aws_account(t.provider)
        if account:
            accounts[t.urn] = account
        names |= _names(t)
        for r in _refs(graph, t, "s3BucketName", BUCKETS) + _refs(graph, t, "kmsKeyId", KEYS):
            names |= _names(r) - {r.name}
    return out + _principals(graph, accounts, workload, names, ctx.stack)


def _workspace_problems(graph: StackGraph, w: ResourceView, workload: str) -> list[str]:
    sub, problem = azure_subscription(w.provider)
    if problem:
        return [f"workspace {w.name!r}: {problem}"]
    if sub == workload:
        return [f"workspace {w.name!r} is in the workload subscription {workload}"]
    out: list[str] = []
    if not linked(graph, w, ONBOARDING, "workspaceName"):
        out.append(f"workspace {w.name!r} is not onboarded to Sentinel")
    if not any(lk.input("level") == "CanNotDelete" for lk in linked(graph, w, LOCKS, "scope")):
        out.append(f"workspace {w.name!r} has no CanNotDelete lock")
    days = [t.input("totalRetentionInDays") for t in linked(graph, w, TABLE, "workspaceName")
            if t.input("tableName") == "AzureActivity"]
    if not any(isinstance(d, int | float) and d >= TEN_YEARS_DAYS for d in days):
        out.append(f"workspace {w.name!r} does not keep the AzureActivity table {TEN_YEARS_DAYS} days")
    return out


def _azure(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    by_sub: dict[str, list[tuple[ResourceView, list[str]]]] = {}
    archives: dict[str, ResourceView] = {}
    for d in graph.by_type(DIAG):
        sub, problem = azure_subscription(d.provider)
        if problem:
            out.append((d.urn, f"the activity-log export {d.name!r}: {problem}"))
            continue
        targets = _refs(graph, d, "workspaceId", (WORKSPACE,))
        problems = [p for w in targets for p in _workspace_problems(graph, w, sub)]
        if not targets:
            problems = ["`workspaceId` is not a workspace of this stack, so its subscription cannot be "
                        "placed"]
        archives.update({w.urn: w for w in targets if not _workspace_problems(graph, w, sub)})
        by_sub.setdefault(sub, []).append((d, problems))
    for sub, exports in by_sub.items():
        if any(not problems for _, problems in exports):
            continue
        d, _ = exports[0]
        why = "; ".join(p for _, ps in exports for p in ps)
        out.append((d.urn, f"the activity log of subscription {sub} reaches no Sentinel archive of another "
                    f"subscription ({why}); export it with SecurityLogArchive (securitySubscriptionId)"))
    return out + _azure_roles(graph, set(by_sub), list(archives.values()))


def _azure_roles(graph: StackGraph, workload: set[str],
                 archives: list[ResourceView]) -> list[tuple[str, str]]:
    """Principals with a role in the workload subscription must hold none on the archive."""
    subs = {azure_subscription(w.provider)[0] for w in archives}
    urns = {w.urn for w in archives}
    admins: set[str] = set()
    on_archive: list[tuple[ResourceView, object]] = []
    for a in graph.by_type(ASSIGNMENT):
        sub, _ = azure_subscription(a.provider)
        scope, pid = a.input("scope"), a.input("principalId")
        archive = sub in subs or bool(urns & set(a.property_dependencies.get("scope", ()))) or (
            isinstance(scope, str) and any(f"/subscriptions/{s}" in scope.lower() for s in subs if s))
        if archive:
            on_archive.append((a, pid))
        elif sub in workload or sub is None:
            admins.add(str(pid))
    out: list[tuple[str, str]] = []
    for a, pid in on_archive:
        if not isinstance(pid, str) or is_unknown(pid):
            out.append((a.urn, "the principal of a role assignment on the log archive is unknown during "
                        "preview, so it cannot be shown to be outside the workload's administrators"))
        elif pid in admins:
            out.append((a.urn, f"principal {pid} holds a role in the workload subscription and one on the "
                        "log archive: the team it logs can administer the archive"))
    return out


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    return _aws(graph, ctx) + _azure(graph, ctx)


RULE = Rule(
    id="require-segregated-log-archive",
    title="The log archive (organisation trail and its bucket and key, the Sentinel archive workspace) lives "
    "in another account or subscription than the workload, is immutable for 10 years, and no workload-side "
    "principal can stop, change or delete it.",
    severity="critical",
    remediation="Set logArchiveAccountId/logArchiveRoleArn (portal) or securitySubscriptionId and "
    "workloadSubscriptionId (dosis) so the LogArchive / SecurityLogArchive components are created in the "
    "security team's account or subscription, and grant the workload side nothing there "
    "(docs/sovereignty.md).",
    controls=("LOG-05",),
    check=check,
    module=__name__,
    scope="stack",
)
