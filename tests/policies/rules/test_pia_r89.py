"""Round-89 class (docs/pia-conditions.md, round 89): an Azure id names a resource of the stack as ARM names
it (type path, group, names, subscription; any case), data collection rules and a diagnostic setting's other
destinations are judged, the people an access policy or a SQL server's Entra administrator makes
administrators must be in the MFA policy, Helpdesk and Password Administrators hold access rights, an
external IdP's session tags may name one person, a SAML provider the PIA record declares as enforcing MFA
admits people, and Firehose streams the stack creates that feed nothing of the SIEM release an Allow. The
cases are 2574334b (on 3ead2dbe); each test that fails on the code before the fix says so. Each mutation
below makes one compliant fixture non-compliant and must block with the message its check gives."""

from __future__ import annotations

import pytest
from ruletest import case, doc, patch, res, run, says, with_

SIEM = "require-siem-logging"
EXPOSURE = "disallow-public-data-access"
MFA = "require-admin-mfa"
SOD = "require-separation-of-duties"
GRANTS = "disallow-direct-user-grants"
UNLOGGED = "no diagnostic setting sends this resource's logs to the SIEM workspace"
OTHER_SUB = "/subscriptions/9f0e1d2c-0000-4000-8000-0000000000ff/resourceGroups/rg-vendor/providers"
WS = "Microsoft.OperationalInsights/workspaces/log-corpus"
DD = "00000000-0000-0000-0000-0000000000dd"


@pytest.mark.parametrize(
    "uri",
    [
        "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.Web/sites/kv-corpus",  # type token
        "/subscriptions/s/resourceGroups/rg-sandbox/providers/Microsoft.KeyVault/vaults/kv-corpus",  # group
        "/subscriptions/other/resourceGroups/rg-corpus/providers/Microsoft.KeyVault/vaults/kv-corpus",  # sub
        "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.KeyVault/vaults/kv-corpus-old",  # name
    ],
)
def test_a_setting_counts_only_for_the_resource_its_id_names(uri):
    """Fails before (2574334b) for all four: the vault named in other casing was refused (over-block); the
    first three also counted for it (the last segment alone named the vault)."""
    rs = case("r89p-50")
    assert run(SIEM, rs) == []  # the vault named in other casing (fails before: over-block)
    assert says(run(SIEM, patch(rs, "diag-vault", resourceUri=uri)), UNLOGGED)


def test_a_destination_of_the_same_name_in_another_subscription_is_not_the_siem():
    """Fails before (2574334b): the workspace was matched by its last segment."""
    rs = case("r89p-50")
    moved = patch(rs, "diag-vault", workspaceId=f"{OTHER_SUB}/{WS}")
    moved = [{**r, "refs": {}} if r["name"] == "diag-vault" else r for r in moved]
    assert says(run(SIEM, moved), UNLOGGED)
    assert says(run(EXPOSURE, moved), "`workspaceId`")


@pytest.mark.parametrize(
    "stem, rule", [("r89p-01", SIEM), ("r89p-02", SIEM), ("r89p-03", SIEM), ("r89p-04", EXPOSURE)]
)
def test_namesake_ids_block(stem, rule):
    """Fails before (2574334b): each passed every rule."""
    assert run(rule, case(stem))


def _dcr(rs: list[dict], **inputs: object) -> list[dict]:
    return patch(rs, "dcr", **inputs)


ELSEWHERE = "/subscriptions/s/resourceGroups/rg-x/providers/Microsoft.Insights/dataCollectionRules/dcr-x"
DCR_MUTATIONS = {
    "the rule sends logs to a namesake workspace": (
        EXPOSURE,
        lambda rs: _dcr(
            rs,
            destinations={"logAnalytics": [{"name": "siem", "workspaceResourceId": f"{OTHER_SUB}/{WS}"}]},
        ),
        "is no store of this stack",
    ),
    "the flow to the SIEM carries metrics only": (
        SIEM,
        lambda rs: _dcr(rs, dataFlows=[{"streams": ["Microsoft-InsightsMetrics"], "destinations": ["siem"]}]),
        "sends no log stream",
    ),
    "the association names a rule of no stack": (
        SIEM,
        lambda rs: [
            {**r, "refs": {"resourceUri": "vm"}} if r["name"] == "dcr-vm" else r
            for r in patch(rs, "dcr-vm", dataCollectionRuleId=ELSEWHERE)
        ],
        "is not one of this stack",
    ),
}


@pytest.mark.parametrize("what", sorted(DCR_MUTATIONS))
def test_each_way_a_collection_rule_misses_the_siem_blocks(what):
    """Fails before (2574334b): a rule's destinations were matched by name, its flows and associations not
    read."""
    rs = case("r89p-51")
    assert run(SIEM, rs) == [] and run(EXPOSURE, rs) == []
    rule, mutate, fragment = DCR_MUTATIONS[what]
    assert says(run(rule, mutate(rs)), fragment)


def test_a_rule_sending_security_events_to_metrics_only_blocks():
    """Fails before (2574334b)."""
    assert says(run(SIEM, case("r89p-05")), "sends no log stream")


SETTING_MUTATIONS = {
    "an event hub of another subscription": (
        {"eventHubAuthorizationRuleId": f"{OTHER_SUB}/Microsoft.EventHub/namespaces/e/authorizationRules/r"},
        "`eventHubAuthorizationRuleId`",
    ),
    "a partner solution": ({"marketplacePartnerId": "/subscriptions/s/providers/Microsoft.Datadog/x"},
                           "partner solution"),
}


@pytest.mark.parametrize("what", sorted(SETTING_MUTATIONS))
def test_each_other_destination_of_a_setting_must_be_the_stacks(what):
    """Fails before (2574334b): only the workspace or account was read."""
    rs = case("r89p-50")
    assert run(EXPOSURE, rs) == []
    inputs, fragment = SETTING_MUTATIONS[what]
    assert says(run(EXPOSURE, patch(rs, "diag-store", **inputs)), fragment)


def test_an_event_hub_namespace_of_the_stack_is_a_destination_of_the_stack():
    """Guard: the namespace's own RootManageSharedAccessKey, named by id, is the stack's."""
    ns = res(
        "ehn",
        "azure-native:eventhub:Namespace",
        {"resourceGroupName": "rg-corpus", "namespaceName": "ehn-c"},
    )
    rule = "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.EventHub/namespaces/ehn-c"
    rule += "/authorizationRules/r"
    rs = patch(with_(case("r89p-50"), ns), "diag-store", eventHubAuthorizationRuleId=rule)
    assert not says(run(EXPOSURE, rs), "eventHubAuthorizationRuleId")


@pytest.mark.parametrize("stem", ["r89p-07", "r89p-08"])
def test_access_policy_and_sql_administrators_must_be_in_the_mfa_policy(stem):
    """Fails before (2574334b): only role assignees were compared with the policy's groups."""
    assert says(run(MFA, case(stem)), "does not include")


def test_the_mfa_policy_including_the_access_policy_group_passes():
    rs = case("r89p-55")
    assert run(MFA, rs) == []
    ca = next(r for r in rs if r["name"] == "ca-mfa")
    users = ca["inputs"]["conditions"]["users"]
    users["includedGroups"] = [g for g in users["includedGroups"] if g != DD]
    assert says(run(MFA, with_(rs, ca)), f"does not include ['{DD}']")


def test_the_deployment_application_as_sql_administrator_needs_no_mfa_policy():
    """Found by CI after the round (dosis-prod blocked): the deployment identity, a literal id declared
    principalType Application, was required in the administrators' MFA policy, which no workload can meet.
    Declared a group, or a user of the stack declaring itself an application, it must be included."""
    rs = case("r89p-59")
    assert run(MFA, rs) == []
    sql = next(r for r in rs if r["name"] == "sql")
    sql["inputs"]["administrators"]["principalType"] = "Group"
    assert says(run(MFA, with_(rs, sql)), "does not include ['00000000-0000-0000-0000-0000000000ee']")
    assert says(run(MFA, case("r89p-24")), "does not include")


@pytest.mark.parametrize("stem", ["r89p-09", "r89p-10"])
def test_helpdesk_and_password_administrators_hold_access_rights(stem):
    """Fails before (2574334b): blocked as a role the gate did not know, not as access rights."""
    assert says(run(SOD, case(stem)), "holds 2 separated functions: access rights, database structure")


def test_a_service_desk_holding_helpdesk_alone_passes():
    assert run(SOD, case("r89p-52")) == [] and run(MFA, case("r89p-52")) == []


def _trust(rs: list[dict], stmt: dict) -> list[dict]:
    return patch(rs, "audit-readers", assumeRolePolicy=doc(stmt))


SAML_TRUST = {
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/entra-client-vpn"},
    "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
}


def test_an_idp_session_tag_naming_one_person_is_a_user_grant():
    """Fails before (2574334b): only IAM users' tags and Identity Center's attributes were compared."""
    assert says(run(GRANTS, case("r89p-11")), "external identity provider")


def test_a_trust_that_lets_the_idp_tag_the_session_turns_a_role_tag_into_a_person():
    rs = case("r89p-53")
    assert run(GRANTS, rs) == []
    assert says(run(GRANTS, _trust(rs, SAML_TRUST)), "external identity provider")
    keys = {"ForAllValues:StringEquals": {"aws:TagKeys": ["department"]}}
    limited = {**SAML_TRUST, "Condition": {**SAML_TRUST["Condition"], **keys}}
    assert run(GRANTS, _trust(rs, limited)) == []  # the IdP may set department only, not team
    keys = {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}
    assert run(GRANTS, _trust(rs, {**SAML_TRUST, "Condition": keys}))


def test_a_saml_provider_the_record_declares_admits_people_without_an_mfa_key():
    """Fails before (2574334b): every SAML trust lacked `aws:MultiFactorAuthPresent`."""
    rs = case("r89p-53")
    assert run(MFA, rs) == []
    other = {**SAML_TRUST, "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/corp"}}
    assert says(run(MFA, _trust(rs, other)), "without an MFA condition")
    both = {**SAML_TRUST, "Principal": {**SAML_TRUST["Principal"], "AWS": "arn:aws:iam::111122223333:root"}}
    assert says(run(MFA, _trust(rs, both)), "without an MFA condition")


DBA_SIEM = "the role holds 2 separated functions: SIEM logging, database structure"


def test_a_teams_own_firehose_stream_releases_the_allow():
    """Fails before (2574334b): every Firehose Allow was SIEM logging wherever it applied."""
    assert run(SOD, case("r89p-54")) == []


@pytest.mark.parametrize("stem", ["r89p-12", "r89p-15", "r89p-16"])
def test_streams_that_feed_the_siem_still_count(stem):
    """Guard: blocked before and after (named by a subscription filter, by name alone, a Kinesis source)."""
    assert says(run(SOD, case(stem)), DBA_SIEM)


def test_a_stream_in_an_event_target_by_arn_feeds():
    rs = case("r89p-54")
    target = res(
        "fwd",
        "aws:cloudwatch/eventTarget:EventTarget",
        {"rule": "guardduty", "arn": "arn:aws:firehose:eu-west-1:111122223333:deliverystream/app-events"},
    )
    assert says(run(SOD, with_(rs, target)), DBA_SIEM)


# Wave 2 (cases c4c99bf7, on f4c1a8b5): ingestion-time transformations, a stack group outside the MFA policy.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
TRANSFORMS = "transforms them at ingestion"


@pytest.mark.parametrize("stem", ["r89p-18", "r89p-19"])
def test_a_transformation_of_log_streams_blocks(stem):
    """Fails before (c4c99bf7): transformations were not read."""
    assert says(run(SIEM, case(stem)), TRANSFORMS)


def test_only_the_identity_transformation_and_metrics_pass():
    rs = case("r89p-57")
    assert run(SIEM, rs) == []
    flows = [{"streams": ["Microsoft-Syslog"], "destinations": ["siem"], "transformKql": "source | take 1"}]
    assert says(run(SIEM, patch(rs, "dcr", dataFlows=flows)), TRANSFORMS)
    perf = [
        {"streams": ["Microsoft-Syslog"], "destinations": ["siem"], "transformKql": " Source "},
        {"streams": ["Microsoft-Perf"], "destinations": ["siem"], "transformKql": "source | where false"},
    ]
    assert run(SIEM, patch(rs, "dcr", dataFlows=perf)) == []


def test_a_workspace_transformation_rule_outside_the_stack_blocks():
    rs = case("r89p-56")
    elsewhere = "/subscriptions/s/resourceGroups/rg-x/providers/Microsoft.Insights/dataCollectionRules/dcr-ws"
    mutated = patch(rs, "logs", defaultDataCollectionRuleResourceId=elsewhere)
    assert says(run(SIEM, mutated), "no rule of this stack")


def test_a_stack_group_must_be_included_by_an_output_of_it():
    """Fails before (c4c99bf7) for the first assertion: only literal principal ids were compared."""
    assert says(run(MFA, case("r89p-20")), "does not include ['urn:pulumi:corpus::corpus::azuread:index/")
    rs = case("r89p-58")
    assert run(MFA, rs) == []
    ca = next(r for r in rs if r["name"] == "ca-mfa")
    assert says(run(MFA, with_(rs, {**ca, "refs": {}})), "does not include")
    users = ca["inputs"]["conditions"]["users"]
    excluded = {**users, "excludedGroups": [UNKNOWN]}
    ca2 = {**ca, "inputs": {**ca["inputs"], "conditions": {**ca["inputs"]["conditions"], "users": excluded}}}
    assert says(run(MFA, with_(rs, ca2)), "excludes objects whose ids are unknown")


def test_a_workspace_is_the_siem_only_with_sentinel_on_it():
    """Fails before (f59f3001, on 22a0911a): any workspace of the stack counted as the SIEM."""
    rs = case("r89p-21")
    assert says(run(SIEM, rs), UNLOGGED)
    onboarding = res(
        "team-sentinel",
        "azure-native:securityinsights:SentinelOnboardingState",
        {"resourceGroupName": "rg-corpus", "workspaceName": "log-app-team"},
        refs={"workspaceName": "team-logs"},
    )
    assert run(SIEM, with_(rs, onboarding)) == []


@pytest.mark.parametrize("stem", ["r89p-22", "r89p-23"])
def test_a_stream_feeds_the_siem_by_where_it_delivers(stem):
    """Fails before (43240a74, on 9fe1fa05): a stream nothing named was released wherever it delivered."""
    assert says(run(SOD, case(stem)), DBA_SIEM)


READ = {
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::corpus-events/*",
}


def test_a_bucket_the_stream_delivers_into_read_by_a_policy_feeds():
    rs = case("r89p-54")
    policy = res(
        "events-policy",
        "aws:s3/bucketPolicy:BucketPolicy",
        {"bucket": "corpus-events", "policy": doc(READ)},
    )
    assert says(run(SOD, with_(rs, policy)), DBA_SIEM)
    assert says(run(SOD, patch(rs, "to-events", destination="http_endpoint")), DBA_SIEM)
