"""Round-30 blind probe classes (docs/pia-conditions.md, round 30): ECS Exec DEFAULT into an awslogs group of
another region, OpenSearch Dashboards' SAML identity provider, storage services behind an account-level
setting. One failing mutation per message, exact text."""

import json

from ruletest import case, patch, run
from ruletest import messages_of as _of

from policies.core.view import UNKNOWN

AUDIT = "require-audit-log-retention"
MFA = "require-admin-mfa"
SIEM = "require-siem-logging"
_DEFAULT_HOW = (
    "give every container of the service's task definition the awslogs driver into a log group the stack "
    "declares and keeps ten years, or set the cluster's `configuration.executeCommandConfiguration` to "
    "logging OVERRIDE with `logConfiguration.cloudWatchLogGroupName` a log group the stack declares"
)


def test_ecs_exec_default_awslogs_region():
    ok = case("r30p-52")
    assert run(AUDIT, ok) == []
    assert _of(run(AUDIT, case("r30p-04")), "task") == [
        "ECS Exec logs DEFAULT, and container 'envoy' sends awslogs to '/ecs/subsidies' in region "
        "'eu-central-1', not the stack's group of that name in 'eu-west-1': sessions there are not kept ten "
        f"years by the stack; {_DEFAULT_HOW}"
    ]
    defs = json.loads(next(r for r in ok if r["name"] == "task")["inputs"]["containerDefinitions"])
    defs[1]["logConfiguration"]["options"]["awslogs-region"] = 7
    assert _of(run(AUDIT, patch(ok, "task", containerDefinitions=json.dumps(defs))), "task") == [
        "ECS Exec logs DEFAULT, and container 'app' sends awslogs to a region that cannot be read "
        f"(`options.awslogs-region`); {_DEFAULT_HOW}"
    ]


def _saml(entity, enabled=True):
    resources = case("r30p-56")
    for r in resources:
        if r["name"] == "search-saml":
            r["inputs"]["samlOptions"]["idp"]["entityId"] = entity
            r["inputs"]["samlOptions"]["enabled"] = enabled
    return resources


def test_opensearch_saml_identity_provider_declared():
    assert run(MFA, case("r30p-56")) == []
    assert _of(run(MFA, _saml("https://idp.example.org/saml")), "search-saml") == [
        "Dashboards sign people in through the SAML identity provider 'https://idp.example.org/saml', "
        "which is not declared in the stack's PIA record as enforcing MFA: whether they show a second factor "
        "is set at the identity provider, outside the program; record the IdP in the stack's PIA record "
        "(saml_providers_mfa: [{provider: <the IdP's entity ID>, idp: <which>, mfa: enforced, how: <the IdP "
        "policy that asks for it>, verified_on: YYYY-MM-DD}])"
    ]
    assert run(MFA, _saml("https://idp.example.org/saml", enabled=False)) == []
    assert _of(run(MFA, _saml("https://idp.example.org/saml", enabled=UNKNOWN)), "search-saml") == [
        "`samlOptions` is unknown during preview, so which identity provider signs people in cannot be "
        "judged; the resource is treated as non-compliant (fail closed)"
    ]


def test_storage_service_behind_an_account_level_setting():
    assert run(SIEM, case("r30p-55")) == []
    assert _of(run(SIEM, case("r30p-03")), "intake-queue") == [
        "the storage account 'stcorpus' sends logs from no service (an account-level setting carries "
        "metrics only): who read, wrote or deleted the data of this queue is recorded nowhere; add a "
        "diagnostic setting on stcorpus/queueServices/default sending StorageRead, StorageWrite and "
        "StorageDelete to the SIEM workspace"
    ]
