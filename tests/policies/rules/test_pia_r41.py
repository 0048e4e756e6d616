"""Round-41 classes (docs/pia-conditions.md, round 41): log groups App Runner and Amazon MQ create under an id
they generate (adopted under literal names, never declared from the new resource's output), CodeBuild
plain-text variables as workload settings, PIM eligibilities for privileged directory roles, named
network-rule bypasses of Cosmos DB and storage. One failing mutation per message, exact text."""

from ruletest import case, patch, res, run, with_
from ruletest import messages_of as _of

CMK = "require-customer-managed-keys"
PUBLIC = "disallow-public-data-access"
MFA = "require-admin-mfa"
RULES = (CMK, PUBLIC, MFA, "require-separation-of-duties", "require-judgeable-data-types", "require-tls-1-2")
ADOPT = (
    "the stack can only adopt it: once the {what} exists, declare aws.cloudwatch.LogGroup under its literal "
    "name ({pattern}) with `import_`, then set its kmsKeyId and retentionInDays"
)
WEB = ADOPT.format(what="service", pattern="/aws/apprunner/dossier-web/<service id>/<log>")
BROKER = ADOPT.format(what="broker", pattern="/aws/amazonmq/broker/<broker id>/<log>")


def _written(who: str, what: str, kind: str, group: str, adopt: str) -> str:
    return (
        f"{who} writes the {what}'s {kind!r} log to {group}, which it creates itself when the {what} is "
        f"created, with no customer-managed key and no retention the stack sets; {adopt}"
    )


def _named(who: str, what: str, adopt: str) -> str:
    return (
        f"a log group is named from the {what}'s id, an output of this update: {who} creates that group "
        f"itself while the {what} is created, so the stack's group fails with "
        f"ResourceAlreadyExistsException; {adopt}"
    )


def test_compliant_programs_pass():
    for stem in ("r41p-51", "r41p-52", "r41p-53", "r41p-54", "r20p-54", "r20p-56", "r36p-58", "r7-mq-cmk"):
        for rule in RULES:
            assert run(rule, case(stem)) == [], (stem, rule)


def test_app_runner_groups_are_adopted_not_declared_from_the_new_service():
    service = _written(
        "App Runner", "service", "service", "/aws/apprunner/dossier-web/<service id>/service", WEB
    )
    application = _written(
        "App Runner", "service", "application", "/aws/apprunner/dossier-web/<service id>/application", WEB
    )
    assert _of(run(CMK, case("r41p-01")), "web") == [
        _named("App Runner", "service", WEB),
        service,
        application,
    ]
    assert _of(run(CMK, case("r41p-02")), "web") == [service]
    other = patch(case("r20p-54"), "web", serviceName="dossier-api")  # groups of another service's name
    assert len(_of(run(CMK, other), "web")) == 2
    assert _of(run(CMK, patch(case("r20p-54"), "web", serviceName=None)), "web") == [
        "`serviceName` is unknown during preview, so the service's log groups cannot be judged; the resource "
        "is treated as non-compliant (fail closed)"
    ]


def test_broker_groups_are_adopted_not_declared_from_the_new_broker():
    mq = case("r7-mq-cmk-private")
    from_output = [
        {**r, "inputs": {k: v for k, v in r["inputs"].items() if k != "name"}, "refs": {"name": "mq"}}
        if r["name"].startswith("mq-") and r["name"].endswith("-logs")
        else r
        for r in mq
    ]
    general = _written("Amazon MQ", "broker", "general", "/aws/amazonmq/broker/<broker id>/general", BROKER)
    audit = _written("Amazon MQ", "broker", "audit", "/aws/amazonmq/broker/<broker id>/audit", BROKER)
    assert _of(run(CMK, from_output), "mq") == [_named("Amazon MQ", "broker", BROKER), general, audit]
    second = res("mq2", "aws:mq/broker:Broker", {"brokerName": "other", "logs": {"general": False}})
    assert _of(run(CMK, with_(mq, second)), "mq") == [
        general,
        audit,
    ]  # two brokers: a group must depend on it
    linked = [{**r, "deps": ["mq"]} if r["name"].endswith("-logs") else r for r in mq]
    assert _of(run(CMK, with_(linked, second)), "mq") == []


def test_codebuild_plain_text_variables_are_workload_settings():
    assert _of(run(MFA, case("r41p-03")), "migrate") == [
        "the resource's settings hold a credential in clear: `environment.environmentVariables[1]` "
        "(DB_PASSWORD: its name says it is a password, key or token); whoever may read its configuration "
        "(codebuild:BatchGetProjects), the program or the stack's state holds it with no second factor of "
        "their own; keep the credential in a Secrets Manager secret or Key Vault secret of this stack and "
        "pass its ARN, name or Key Vault reference (`@Microsoft.KeyVault(...)`, `secretRef`, ECS "
        "`secrets`/`valueFrom`), or give the workload an IAM or Entra identity instead"
    ]
    assert _of(run(MFA, case("r41p-51")), "migrate") == []  # SECRETS_MANAGER / PARAMETER_STORE name it


def test_directory_role_eligibility_needs_recorded_activation_mfa():
    role = "e8611ab8-c189-46e8-94e1-60213ab1f814"
    assert _of(run(MFA, case("r41p-10")), "pra-eligible") == [
        f"the eligibility makes people able to activate directory role {role}, which grants roles or resets "
        "who can sign in, and what activation asks is the tenant's PIM setting for that role, outside the "
        "program: require MFA on activation there and record it in the stack's PIA record (entra_pim_mfa: "
        f"[{{role: {role}, mfa: on-activation, verified_on: YYYY-MM-DD}}])"
    ]
    reader = patch(case("r41p-10"), "pra-eligible", roleDefinitionId="f2ef992c-3afb-46b9-b7cf-a126ee74c451")
    assert _of(run(MFA, reader), "pra-eligible") == []  # Global Reader: not privileged
    unknown = patch(case("r41p-10"), "pra-eligible", roleDefinitionId=None)
    assert _of(run(MFA, unknown), "pra-eligible") == [
        "`roleDefinitionId` is unknown during preview, so which directory role is made eligible cannot be "
        "judged; the resource is treated as non-compliant (fail closed)"
    ]


def test_named_bypasses_must_be_instances_of_the_stack():
    ws = "/subscriptions/9f8e7d6c-5b4a-4321-9876-fedcba987654/resourceGroups/rg-analytics/providers/Microsoft.Synapse/workspaces/syn-partner"  # noqa: E501
    tail = (
        "through the network rules (the trusted-service path, past publicNetworkAccess Disabled): an "
        "instance the stack does not declare is another party's, whose people, MFA and duties are not "
        "judged; name only instances of this stack (fed from their output)"
    )
    assert _of(run(PUBLIC, case("r41p-11")), "cosmos") == [f"`networkAclBypassResourceIds` lets {ws} {tail}"]
    synapse = res(
        "syn",
        "azure-native:synapse:Workspace",
        {"workspaceName": "syn-own", "publicNetworkAccess": "Disabled"},
    )
    own = [
        {**r, "refs": {**r.get("refs", {}), "networkAclBypassResourceIds": "syn"}}
        if r["name"] == "cosmos"
        else r
        for r in with_(case("r41p-11"), synapse)
    ]
    assert _of(run(PUBLIC, own), "cosmos") == []
    rules = {"defaultAction": "Deny", "resourceAccessRules": [{"tenantId": "t", "resourceId": ws}]}
    store = _of(run(PUBLIC, patch(case("r41p-54"), "store", networkRuleSet=rules)), "store")
    assert store == [f"`networkRuleSet.resourceAccessRules` lets {ws} {tail}"]
