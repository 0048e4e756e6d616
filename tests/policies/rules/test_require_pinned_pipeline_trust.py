"""require-pinned-pipeline-trust: OIDC trust pinned to one subject and audience."""

from ruletest import ACC, doc, only, res, run

RULE = "require-pinned-pipeline-trust"
ISS = "token.actions.githubusercontent.com"
GH = f"https://{ISS}"
PINNED = {"StringEquals": {"{i}:sub": "repo:o/r:environment:prod", "{i}:aud": "sts.amazonaws.com"}}


def role(cond, federated=f"{ACC}:oidc-provider/{ISS}"):
    s = {
        "Effect": "Allow",
        "Principal": {"Federated": federated},
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
                    {
                        "subject": "repo:o/r:environment:prod",
                        "audiences": ["api://AzureADTokenExchange"],
                        "issuer": GH,
                    },
                )
            ],
        )
        == []
    )
    assert run(RULE, [res("f", fic, {"subject": "repo:o/*", "audiences": [], "issuer": GH})]) == [
        ("f", "`subject` is 'repo:o/*'; pin it to one repository/environment"),
        ("f", "`audiences` is empty; pin it to api://AzureADTokenExchange"),
    ]


def test_entra_application_credentials():
    app = "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential"
    wild = res(
        "fic", app, {"subject": "repo:aiv/dosis:*", "audiences": ["api://AzureADTokenExchange"], "issuer": GH}
    )
    only(run(RULE, [wild]), "fic", "`subject` is 'repo:aiv/dosis:*'")
    exact = res(
        "fic",
        app,
        {
            "subject": "repo:aiv/dosis:environment:prod",
            "audiences": ["api://AzureADTokenExchange"],
            "issuer": GH,
        },
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
    pr = res(
        "f",
        fic,
        {"subject": "repo:o/r:pull_request", "audiences": ["api://AzureADTokenExchange"], "issuer": GH},
    )
    only(run(RULE, [pr]), "f", "every pull request of any branch")


def _pinned(issuer):
    return {op: {k.format(i=issuer): v for k, v in block.items()} for op, block in PINNED.items()}


def test_untrusted_issuers_block():
    """A pinned subject means nothing from an issuer the attacker runs, a look-alike host, or web identity."""
    for host, federated in (
        ("oidc.deploy-tools.example", f"{ACC}:oidc-provider/oidc.deploy-tools.example"),
        (f"{ISS}.ci-cache.example", f"{ACC}:oidc-provider/{ISS}.ci-cache.example"),
        ("accounts.google.com", "accounts.google.com"),
    ):  # Cognito identity pools hand roles to end users, no pipeline (round 12: tests/.../test_pia_r12.py)
        only(
            run(RULE, role(_pinned(host), federated)),
            "ci",
            f"federates {host}: not a trusted pipeline issuer",
        )


def test_trusted_issuers_pass():
    assert run(RULE, role(_pinned(ISS))) == []
    assert run(RULE, role(_pinned("gitlab.com"), f"{ACC}:oidc-provider/gitlab.com")) == []


def test_azure_credential_issuer():
    fic = "azure-native:managedidentity:FederatedIdentityCredential"
    base = {"subject": "repo:o/r:environment:prod", "audiences": ["api://AzureADTokenExchange"]}
    only(run(RULE, [res("f", fic, {**base, "issuer": "https://ci.attacker.example"})]), "f", "not a trusted")
    only(run(RULE, [res("f", fic, base)]), "f", "`issuer` is None")
    assert run(RULE, [res("f", fic, {**base, "issuer": GH + "/"})]) == []
