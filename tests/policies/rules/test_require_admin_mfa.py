"""require-admin-mfa: people need MFA on every path; pipelines and recorded, alarmed break-glass do not."""

import json

from ruletest import ACC, base, doc, only, patch, res, run, with_

RULE = "require-admin-mfa"
AWS = base("aws")
AZURE = base("azure")


def trust(cond=None, principal=None, action="sts:AssumeRole"):
    s = {"Effect": "Allow", "Principal": principal or {"AWS": f"{ACC}:root"}, "Action": action}
    return doc({**s, "Condition": cond} if cond else s)


def role(name, assume):
    return res(name, "aws:iam/role:Role", {"name": name, "assumeRolePolicy": assume})


def test_compliant_fixtures():
    assert run(RULE, AWS) == []
    assert run(RULE, AZURE) == []
    pinned = {
        "StringEquals": {
            "token.actions.githubusercontent.com:sub": "repo:o/r:environment:prod",
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        }
    }
    oidc = {"Federated": f"{ACC}:oidc-provider/token.actions.githubusercontent.com"}
    assert run(RULE, with_(AWS, role("ci", trust(pinned, oidc, "sts:AssumeRoleWithWebIdentity")))) == []
    assert (
        run(RULE, with_(AWS, role("age", trust({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}))))
        == []
    )


def test_role_without_mfa():
    only(
        run(RULE, with_(AWS, role("r", trust()))),
        "r",
        "trust statement 0 lets people assume the role without an MFA",
    )
    only(
        run(RULE, with_(AWS, role("r", trust({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}})))),
        "r",
        "without an MFA condition",
    )


def test_role_open_to_anyone():
    only(
        run(RULE, with_(AWS, role("r", trust({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, "*")))),
        "r",
        "any AWS principal (Principal `*`)",
    )


def test_unreadable_trust():
    only(
        run(RULE, with_(AWS, role("r", "{not json"))),
        "r",
        "trust policy: `assumeRolePolicy` is not valid JSON",
    )


def test_console_user_without_mfa_enforcement():
    user = res("u", "aws:iam/user:User", {"name": "u"})
    login = res("u-login", "aws:iam/userLoginProfile:UserLoginProfile", {"user": "u"}, refs={"user": "u"})
    only(run(RULE, with_(AWS, user, login)), "u", "console password and no policy")
    deny = doc(
        {
            "Effect": "Deny",
            "NotAction": "iam:EnableMFADevice",
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        }
    )
    pol = res("u-pol", "aws:iam/userPolicy:UserPolicy", {"user": "u", "policy": deny}, refs={"user": "u"})
    assert run(RULE, with_(AWS, user, login, pol)) == []
    assert run(RULE, with_(AWS, user)) == []  # no console: a workload


def _watch(pattern, name="break-glass-used", log_group="trail"):
    """The alarm the PIA record names, fed by a metric filter with `pattern` on the trail's log group."""
    metric = {"namespace": "sec", "name": "bg"}
    return (
        res(
            "bg-filter",
            "aws:cloudwatch/logMetricFilter:LogMetricFilter",
            {"logGroupName": log_group, "pattern": pattern, "metricTransformation": {**metric, "value": "1"}},
        ),
        res(
            name,
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            {
                "alarmActions": ["arn:aws:sns:eu-west-1:111122223333:soc"],
                "actionsEnabled": True,
                "namespace": "sec",
                "metricName": "bg",
            },
        ),
    )


def test_break_glass_recorded_needs_alarm():
    bg = role("break-glass", trust())
    only(run(RULE, with_(AWS, bg)), "break-glass", "no enabled alarm or event rule")
    assume = '{ ($.eventName = "AssumeRole") && ($.requestParameters.roleArn = "%s") }'
    for watched in ("*break-glass*", f"{ACC}:role/break-glass", "arn:aws:iam::*:role/ops/break-glass"):
        assert run(RULE, with_(AWS, bg, *_watch(assume % watched))) == [], watched
    pattern = {
        "detail": {
            "eventName": ["AssumeRole"],
            "requestParameters": {"roleArn": [{"suffix": "/break-glass"}]},
        }
    }
    rule = res(
        "break-glass-used", "aws:cloudwatch/eventRule:EventRule", {"eventPattern": json.dumps(pattern)}
    )
    target = res(
        "bg-target",
        "aws:cloudwatch/eventTarget:EventTarget",
        {"rule": "break-glass-used", "arn": "arn:aws:sns:eu-west-1:111122223333:soc"},
    )
    assert run(RULE, with_(AWS, bg, rule, target)) == []


def test_break_glass_alarm_that_watches_something_else():
    """An alarm or event rule with the recorded name proves nothing unless it watches the principal."""
    bg = role("break-glass", trust())
    for pattern in (
        '{ $.eventName = "AssumeRole" && $.requestParameters.roleArn = "*operator*" }',
        '{ $.eventName = "ConsoleLogin" }',
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        '{ $.eventName = "ConsoleLogin" && $.userIdentity.type = "*" }',  # matches "anyone"
        '{ $.requestParameters.roleArn = "*" }',  # wildcards only
        '{ $.requestParameters.bucketName = "break-glass" }',
    ):  # not an identity
        only(run(RULE, with_(AWS, bg, *_watch(pattern))), "break-glass", "does not watch it")
    watched = _watch('{ $.requestParameters.roleArn = "*break-glass*" }', log_group="app-logs")
    only(run(RULE, with_(AWS, bg, *watched)), "break-glass", "does not watch it")  # no trail feeds it
    rule = res(
        "break-glass-used",
        "aws:cloudwatch/eventRule:EventRule",
        {"eventPattern": '{"source": ["aws.s3"], "detail": {"bucket": ["break-glass-logs"]}}'},
    )
    target = res(
        "bg-target",
        "aws:cloudwatch/eventTarget:EventTarget",
        {"rule": "break-glass-used", "arn": "arn:aws:sns:eu-west-1:111122223333:soc"},
    )
    only(run(RULE, with_(AWS, bg, rule, target)), "break-glass", "does not watch it")


def test_conditional_access():
    only(run(RULE, patch(AZURE, "ca-mfa", state="disabled")), "<stack>", "in state 'disabled'")
    only(
        run(RULE, patch(AZURE, "ca-mfa", conditions={"users": {"includedUsers": ["None"]}})),
        "<stack>",
        "includes no users",
    )
    only(
        run(
            RULE,
            patch(
                AZURE,
                "ca-mfa",
                grantControls={"operator": "OR", "builtInControls": ["mfa", "passwordChange"]},
            ),
        ),
        "<stack>",
        "without MFA",
    )
    only(
        run(RULE, patch(AZURE, "ca-mfa", grantControls={"builtInControls": ["compliantDevice"]})),
        "<stack>",
        "does not require mfa",
    )
    only(run(RULE, with_(AZURE, drop=("ca-mfa",))), "<stack>", "no enabled Conditional Access policy")


def test_conditional_access_exclusions_and_application_scope():
    conditions = {
        "clientAppTypes": ["all"],
        "applications": {"includedApplications": ["All"]},
        "users": {"includedRoles": ["62e90394-69f5-4237-9190-012177145e10"], "includedUsers": ["All"]},
    }

    def ca(**over):
        return run(RULE, patch(AZURE, "ca-mfa", conditions={**conditions, **over}))

    assert ca() == []
    only(ca(applications={"includedApplications": ["Office365"]}), "<stack>", "covers only the applications")
    only(
        ca(users={**conditions["users"], "excludedRoles": ["62e90394-69f5-4237-9190-012177145e10"]}),
        "<stack>",
        "excludes the directory roles",
    )
    only(
        ca(users={**conditions["users"], "excludedGroups": ["00000000-0000-0000-0000-0000000000aa"]}),
        "<stack>",
        "who hold Azure roles in this stack",
    )
    # round 96: a user the PIA record does not name as break-glass may be in an administrator group outside
    # the program (r95p-60); the recorded emergency account may be excluded
    only(
        ca(users={**conditions["users"], "excludedUsers": ["00000000-0000-0000-0000-0000000000ff"]}),
        "<stack>",
        "whom the PIA record does not name as break-glass accounts",
    )
    assert ca(users={**conditions["users"], "excludedUsers": ["00000000-0000-0000-0000-0000000000b9"]}) == []


def test_conditional_access_may_exclude_a_recorded_emergency_account():
    b9 = "00000000-0000-0000-0000-0000000000b9"  # break_glass in tests/corpus/pia/records/pia/corpus.yaml
    owner = "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
    conditions = {
        "clientAppTypes": ["all"],
        "applications": {"includedApplications": ["All"]},
        "users": {"includedUsers": ["All"], "excludedUsers": [b9]},
    }
    for principal, found in ((b9, False), ("00000000-0000-0000-0000-0000000000c1", True)):
        ra = res(
            "ra",
            "azure-native:authorization:RoleAssignment",
            {
                "principalId": principal,
                "principalType": "User",
                "scope": "/subscriptions/s",
                "roleDefinitionId": owner,
            },
        )
        conds = {**conditions, "users": {**conditions["users"], "excludedUsers": [principal]}}
        assert bool(run(RULE, with_(patch(AZURE, "ca-mfa", conditions=conds), ra))) is found


def _console_user(name, *statements, key=False):
    user = res(name, "aws:iam/user:User", {"name": name})
    login = res(
        f"{name}-login", "aws:iam/userLoginProfile:UserLoginProfile", {"user": name}, refs={"user": name}
    )
    pol = res(
        f"{name}-pol",
        "aws:iam/userPolicy:UserPolicy",
        {"user": name, "policy": doc(*statements)},
        refs={"user": name},
    )
    extra = (
        [res(f"{name}-key", "aws:iam/accessKey:AccessKey", {"user": name}, refs={"user": name})]
        if key
        else []
    )
    return [user, login, pol, *extra]


def _deny(condition, **kw):
    return {"Effect": "Deny", "Resource": "*", "Condition": condition, **({"Action": "*"} | kw)}


def test_mfa_deny_must_cover_everything_and_stand_alone():
    """A Deny that spares administration (NotAction), that another condition narrows, or a plain Bool for a
    user with an access key (the key is absent on long-term keys) does not enforce MFA."""
    ifexists = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    spares = _deny(ifexists, NotAction=["rds:*", "iam:*", "kms:*"])
    spares.pop("Action")
    only(run(RULE, with_(AWS, *_console_user("u", spares))), "u", "console password")
    narrowed = _deny({**ifexists, "StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}})
    only(run(RULE, with_(AWS, *_console_user("u", narrowed))), "u", "console password")
    plain = _deny({"Bool": {"aws:MultiFactorAuthPresent": "false"}})
    only(run(RULE, with_(AWS, *_console_user("u", plain, key=True))), "u", "console password")
    assert run(RULE, with_(AWS, *_console_user("u", plain))) == []
    assert run(RULE, with_(AWS, *_console_user("u", _deny(ifexists), key=True))) == []


def test_a_user_who_may_mint_access_keys_has_long_term_keys():
    """A plain-Bool Deny does not match requests signed with a key the user creates themselves."""
    mint = {
        "Effect": "Allow",
        "Action": "iam:CreateAccessKey",
        "Resource": "arn:aws:iam::*:user/${aws:username}",
    }
    plain = _deny({"Bool": {"aws:MultiFactorAuthPresent": "false"}})
    only(run(RULE, with_(AWS, *_console_user("u", plain, mint))), "u", "console password")
    ifexists = _deny({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}})
    assert run(RULE, with_(AWS, *_console_user("u", ifexists, mint))) == []


def test_aws_star_in_a_list_is_anyone():
    stmt = {
        "Effect": "Allow",
        "Principal": {"AWS": ["*"]},
        "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    }
    only(run(RULE, with_(AWS, role("r", doc(stmt)))), "r", "any AWS principal")


def _ca(**over):
    inputs = {
        "displayName": "mfa",
        "state": "enabled",
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"]},
        "conditions": {
            "clientAppTypes": ["all"],
            "applications": {"includedApplications": ["All"]},
            "users": {"includedUsers": ["All"]},
        },
    }
    for k, v in over.items():
        inputs["conditions"][k] = v
    return res("ca-mfa", "azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy", inputs)


def test_conditional_access_must_cover_every_role_holder_on_every_path():
    assert run(RULE, with_(AZURE, _ca())) == []
    for over, why in (
        ({"users": {"includedUsers": ["GuestsOrExternalUsers"]}}, "does not include"),
        ({"users": {"includedGroups": ["00000000-0000-0000-0000-0000000000cc"]}}, "does not include"),
        ({"clientAppTypes": ["browser"]}, "client app types"),
        ({"locations": {"includedLocations": ["All"], "excludedLocations": ["AllTrusted"]}}, "locations"),
        ({"platforms": {"includedPlatforms": ["android"]}}, "platforms"),
        ({"signInRiskLevels": ["high"]}, "signInRiskLevels"),
        # closed world: conditions no check names select some sign-ins only
        ({"authenticationFlowTransferMethods": ["deviceCodeFlow"]}, "authenticationFlowTransferMethods"),
        ({"clientApplications": {"includedServicePrincipals": ["x"]}}, "clientApplications"),
        (
            {
                "users": {
                    "includedUsers": ["All"],
                    "excludedGuestsOrExternalUsers": [{"guestOrExternalUserTypes": ["internalGuest"]}],
                }
            },
            "excludes excludedGuestsOrExternalUsers",
        ),
        (
            {"users": {"includedUsers": ["All"], "excludedUsers": ["GuestsOrExternalUsers"]}},
            "a class of users rather than principals",
        ),
    ):
        only(run(RULE, with_(AZURE, _ca(**over))), "<stack>", why)
    groups = {
        "users": {
            "includedGroups": ["00000000-0000-0000-0000-0000000000aa", "00000000-0000-0000-0000-0000000000bb"]
        }
    }
    assert run(RULE, with_(AZURE, _ca(**groups))) == []
    assert run(RULE, with_(AZURE, _ca(signInRiskLevels=[], devices=None))) == []  # empty conditions


def test_readers_need_not_be_in_the_administrators_policy():
    reader = res(
        "ra-read",
        "azure-native:authorization:RoleAssignment",
        {
            "principalId": "00000000-0000-0000-0000-0000000000dd",
            "principalType": "Group",
            "scope": "/subscriptions/s",
            "roleDefinitionId": "acdd72a7-3385-48ef-bd42-f606fba81ae7",  # Reader
        },
    )
    groups = {
        "users": {
            "includedGroups": ["00000000-0000-0000-0000-0000000000aa", "00000000-0000-0000-0000-0000000000bb"]
        }
    }
    assert run(RULE, with_(AZURE, reader, _ca(**groups))) == []


def test_authentication_strength_must_be_multi_factor():
    def strength_ca(strength_id, refs=None):
        ca = _ca()
        ca["inputs"]["grantControls"] = {"operator": "OR", "authenticationStrengthPolicyId": strength_id}
        return {**ca, **({"refs": refs} if refs else {})}

    builtin = "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-000000000004"
    assert run(RULE, with_(AZURE, strength_ca(builtin))) == []
    only(run(RULE, with_(AZURE, strength_ca("custom-id"))), "<stack>", "cannot be judged")
    policy = "azuread:index/authenticationStrengthPolicy:AuthenticationStrengthPolicy"
    weak = res("weak", policy, {"displayName": "w", "allowedCombinations": ["password", "fido2"]})
    only(
        run(RULE, with_(AZURE, weak, strength_ca("x", {"grantControls": "weak"}))), "<stack>", "single-factor"
    )
    strong = res(
        "weak", policy, {"displayName": "s", "allowedCombinations": ["fido2", "password,softwareOath"]}
    )
    assert run(RULE, with_(AZURE, strong, strength_ca("x", {"grantControls": "weak"}))) == []


def test_not_principal_trust_is_anyone():
    stmt = {
        "Effect": "Allow",
        "NotPrincipal": {"AWS": f"{ACC}:role/app"},
        "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    }
    only(run(RULE, with_(AWS, role("r", doc(stmt)))), "r", "any AWS principal")


def test_conditional_access_every_grant_control_and_every_application():
    terms = _ca()
    terms["inputs"]["grantControls"]["termsOfUses"] = ["tou-1"]
    only(run(RULE, with_(AZURE, terms)), "<stack>", "grants with OR of ['mfa', 'tou-1']")
    terms["inputs"]["grantControls"]["operator"] = "AND"
    assert run(RULE, with_(AZURE, terms)) == []
    factor = _ca()
    factor["inputs"]["grantControls"]["customAuthenticationFactors"] = ["duo"]
    only(run(RULE, with_(AZURE, factor)), "<stack>", "a session satisfies it without MFA")
    arm = "797f4846-ba00-4fd7-ba43-dac1f8f63013"
    excluded = {"includedApplications": ["All"], "excludedApplications": [arm]}
    only(run(RULE, with_(AZURE, _ca(applications=excluded))), "<stack>", "sign-ins to them need no MFA")


def test_role_assumed_only_by_a_pipeline_role_needs_no_mfa():
    pinned = {
        "StringEquals": {
            "token.actions.githubusercontent.com:sub": "repo:o/r:environment:prod",
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        }
    }
    oidc = {"Federated": f"{ACC}:oidc-provider/token.actions.githubusercontent.com"}
    ci = role("ci", trust(pinned, oidc, "sts:AssumeRoleWithWebIdentity"))
    chained = with_(AWS, ci, role("deploy", trust(principal={"AWS": f"{ACC}:role/ci"})))
    assert run(RULE, chained) == []
    for source in (f"{ACC}:role/db-admin", f"{ACC}:role/c*", "arn:aws:iam::999999999999:role/ci"):
        found = run(RULE, with_(AWS, ci, role("deploy", trust(principal={"AWS": source}))))
        only(found, "deploy", "lets people assume the role without an MFA condition")
    loop = with_(
        AWS,
        role("a", trust(principal={"AWS": f"{ACC}:role/b"})),
        role("b", trust(principal={"AWS": f"{ACC}:role/a"})),
    )
    assert sorted(n for n, _ in run(RULE, loop)) == ["a", "b"]


def test_conditional_access_exclusion_reaches_nested_members():
    helpdesk = "00000000-0000-0000-0000-0000000000d5"
    nest = res(
        "nest",
        "azuread:index/groupMember:GroupMember",
        {"groupObjectId": helpdesk, "memberObjectId": "00000000-0000-0000-0000-0000000000aa"},
    )
    excluding = _ca(users={"includedUsers": ["All"], "excludedGroups": [helpdesk]})
    # round 95: a group of members the program does not state blocks by itself; nested members are named
    only(run(RULE, with_(AZURE, excluding)), "<stack>", "whose members the program does not state")
    only(run(RULE, with_(AZURE, excluding, nest)), "<stack>", "(directly or through a group)")


def _rule(pattern):
    rule = res(
        "break-glass-used", "aws:cloudwatch/eventRule:EventRule", {"eventPattern": json.dumps(pattern)}
    )
    target = res(
        "bg-target",
        "aws:cloudwatch/eventTarget:EventTarget",
        {"rule": "break-glass-used", "arn": "arn:aws:sns:eu-west-1:111122223333:soc"},
    )
    return rule, target


def test_break_glass_watcher_must_see_every_use():
    """A watcher that names the principal but also selects an event name, source or anything else sees only
    some uses (console sign-in only, KMS calls only); with the assumed role's ARN, AssumeRole may be
    selected: every use starts with one."""
    bg = role("break-glass", trust())
    actor = {"userIdentity": {"arn": [{"prefix": f"arn:aws:sts::{ACC[-12:]}:assumed-role/break-glass/"}]}}
    for narrowed in (
        {"detail-type": ["AWS Console Sign In via CloudTrail"], "detail": actor},
        {"detail": {**actor, "eventName": ["ConsoleLogin"]}},
        {"source": ["aws.kms"], "detail": actor},
        {"detail": {**actor, "errorCode": [{"exists": True}]}},
    ):
        only(run(RULE, with_(AWS, bg, *_rule(narrowed))), "break-glass", "select nothing else")
    assert (
        run(RULE, with_(AWS, bg, *_rule({"detail-type": ["AWS API Call via CloudTrail"], "detail": actor})))
        == []
    )
    assumed = {
        "source": ["aws.sts"],
        "detail": {
            "eventName": ["AssumeRole"],
            "requestParameters": {"roleArn": [f"{ACC}:role/break-glass"]},
        },
    }
    assert run(RULE, with_(AWS, bg, *_rule(assumed))) == []
    only(
        run(
            RULE,
            with_(
                AWS, bg, *_watch('{ $.userIdentity.arn = "*break-glass*" && $.eventName = "ConsoleLogin" }')
            ),
        ),
        "break-glass",
        "select nothing else",
    )
    only(
        run(
            RULE,
            with_(
                AWS,
                bg,
                *_watch(
                    '{ $.requestParameters.roleArn = "*break-glass*" && $.sourceIPAddress != "10.0.0.1" }'
                ),
            ),
        ),
        "break-glass",
        "select nothing else",
    )
