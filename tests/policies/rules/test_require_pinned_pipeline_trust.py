"""require-pinned-pipeline-trust: OIDC trust pinned to one subject and audience."""

from ruletest import ACC, doc, only, res, run

RULE = "require-pinned-pipeline-trust"
ISS = "token.actions.githubusercontent.com"


def role(cond):
    s = {
        "Effect": "Allow",
        "Principal": {"Federated": f"{ACC}:oidc-provider/{ISS}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    return [
        res(
            "ci",
            "aws:iam/role:Role",
            {"name": "ci", "assumeRolePolicy": doc({**s, "Condition": cond} if cond else s)},
        )
    ]


def test_pinned():
    assert (
        run(
            RULE,
            role(
                {
                    "StringEquals": {
                        f"{ISS}:sub": "repo:o/r:environment:prod",
                        f"{ISS}:aud": "sts.amazonaws.com",
                    }
                }
            ),
        )
        == []
    )
    assert (
        run(
            RULE,
            role(
                {
                    "StringEquals": {f"{ISS}:aud": "sts.amazonaws.com"},
                    "StringLike": {f"{ISS}:sub": "repo:o/r:ref:refs/heads/main"},
                }
            ),
        )
        == []
    )


def test_unpinned_subject_and_audience():
    assert run(RULE, role({"StringEquals": {f"{ISS}:aud": "sts.amazonaws.com"}})) == [
        (
            "ci",
            f"trust statement 0 federates {ISS} without pinning `{ISS}:sub` to exact values "
            "(StringEquals, or "
            "StringLike without wildcards)",
        )
    ]
    found = run(RULE, role({"StringEquals": {f"{ISS}:sub": "repo:o/r:environment:prod"}}))
    assert [m for _, m in found] == [
        f"trust statement 0 federates {ISS} without pinning `{ISS}:aud` to exact values "
        "(StringEquals, or StringLike without wildcards)"
    ]
    assert (
        len(run(RULE, role({"StringLike": {f"{ISS}:sub": "repo:o/*", f"{ISS}:aud": "sts.amazonaws.com"}})))
        == 1
    )


def test_azure_federated_credential():
    fic = "azure-native:managedidentity:FederatedIdentityCredential"
    assert (
        run(
            RULE,
            [
                res(
                    "f",
                    fic,
                    {"subject": "repo:o/r:environment:prod", "audiences": ["api://AzureADTokenExchange"]},
                )
            ],
        )
        == []
    )
    assert run(RULE, [res("f", fic, {"subject": "repo:o/*", "audiences": []})]) == [
        ("f", "`subject` is 'repo:o/*'; pin it to one repository/environment"),
        ("f", "`audiences` is empty; pin it to api://AzureADTokenExchange"),
    ]


def test_entra_application_credentials():
    app = "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential"
    wild = res("fic", app, {"subject": "repo:aiv/dosis:*", "audiences": ["api://AzureADTokenExchange"]})
    only(run(RULE, [wild]), "fic", "`subject` is 'repo:aiv/dosis:*'")
    exact = res(
        "fic",
        app,
        {"subject": "repo:aiv/dosis:environment:prod", "audiences": ["api://AzureADTokenExchange"]},
    )
    assert run(RULE, [exact]) == []
    flexible = (
        "azuread:index/applicationFlexibleFederatedIdentityCredential:"
        "ApplicationFlexibleFederatedIdentityCredential"
    )
    only(
        run(
            RULE, [res("flex", flexible, {"claimsMatchingExpression": "claims['sub'] matches 'repo:aiv/*'"})]
        ),
        "flex",
        "cannot be pinned",
    )


def test_for_all_values_never_pins():
    cond = {
        "StringEquals": {f"{ISS}:aud": "sts.amazonaws.com"},
        "ForAllValues:StringEquals": {f"{ISS}:sub": "repo:o/r:environment:prod"},
    }
    only(run(RULE, role(cond)), "ci", f"without pinning `{ISS}:sub`")


def test_pull_request_subject_is_unreviewed_code():
    cond = {"StringEquals": {f"{ISS}:aud": "sts.amazonaws.com", f"{ISS}:sub": "repo:o/r:pull_request"}}
    only(run(RULE, role(cond)), "ci", "admits the subject 'repo:o/r:pull_request'")
    fic = "azure-native:managedidentity:FederatedIdentityCredential"
    pr = res("f", fic, {"subject": "repo:o/r:pull_request", "audiences": ["api://AzureADTokenExchange"]})
    only(run(RULE, [pr]), "f", "every pull request of any branch")
