"""Round-32 blind probe classes (docs/pia-conditions.md, round 32): copies of a generated password in Key
Vault read through a role the gate does not know (fail closed), break-glass object ids of the PIA record
excluded from the copy check, secret stack outputs beside such a password. One failing mutation per
message, exact text."""

from ruletest import case, patch, run, with_
from ruletest import messages_of as _of

MFA = "require-admin-mfa"
ROLES = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/"
_KV = (
    "which holds the administrator password the program gives sql: everyone it admits signs in as the "
    "shared administrator with a password alone; keep people on Entra authentication as themselves and the "
    "password to the workload (or switch password authentication off)"
)
_OUT = (
    "while the program gives sql a password of its own: outputs carry no dependencies, so whether one is "
    "that password cannot be judged, and whoever reads the stack's state (`pulumi stack output "
    "--show-secrets`) would sign in as the shared administrator; do not export secrets, keep the password "
    "in a Key Vault or Secrets Manager secret of this stack whose readers the gate weighs"
)


def test_unknown_role_on_a_key_vault_copy_fails_closed():
    assert run(MFA, case("r32p-53")) == []
    assert _of(run(MFA, case("r32p-02")), "ra-breakglass-vault") == [
        "a person or group holds a role the gate cannot read (role definition "
        "8b54135c-b56d-4d72-a534-26097cfdc8d8 is neither a built-in role known to the gate "
        "(policies/core/iam/azure_builtin_roles.json) nor a custom role of this stack) at a scope that may "
        "include the vault holding sql-pw-secret, a copy of the administrator password the program gives "
        "sql: whether it reads that copy cannot be judged; name a built-in role the gate knows or a custom "
        "role of this stack"
    ]
    other = patch(
        case("r32p-02"), "ra-breakglass-vault",
        scope="/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.Web/sites/app-dossiers",
    )  # fmt: skip
    next(r for r in other if r["name"] == "ra-breakglass-vault")["refs"] = {}
    assert _of(run(MFA, other), "ra-breakglass-vault") == []  # a scope naming another resource


def test_recorded_break_glass_reads_a_key_vault_copy():
    assert run(MFA, case("r32p-54")) == []
    assert run(MFA, case("r32p-59")) == []
    unrecorded = patch(
        case("r32p-54"), "ra-breakglass-vault", principalId="00000000-0000-0000-0000-0000000000b7"
    )
    assert _of(run(MFA, unrecorded), "ra-breakglass-vault") == [
        "a person or group holding this role reads the Key Vault secret sql-pw-secret, " + _KV
    ]
    policy = case("r32p-59")
    vault = next(r for r in policy if r["name"] == "ops-vault")
    vault["inputs"]["properties"]["accessPolicies"][0]["objectId"] = "00000000-0000-0000-0000-0000000000b7"
    assert _of(run(MFA, policy), "ops-vault") == [
        "an access policy with secret `get` reads the Key Vault secret sql-pw-secret, " + _KV
    ]


def test_secret_stack_output_beside_a_generated_password():
    assert run(MFA, case("r32p-60")) == []
    assert _of(run(MFA, case("r32p-01")), "corpus-corpus") == [
        f"the stack exports secret output(s) `sqlAdminPassword` {_OUT}"
    ]
    assert _of(run(MFA, case("r32p-03")), "corpus-corpus") == [
        f"the stack exports secret output(s) `database.connectionString` {_OUT}"
    ]
    marker = patch(
        case("r32p-60"), "corpus-corpus",
        token={"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "x"},
    )  # fmt: skip
    assert _of(run(MFA, marker), "corpus-corpus") == [f"the stack exports secret output(s) `token` {_OUT}"]
    no_password = with_(
        patch(case("r32p-01"), "sql", administratorLoginPassword=None), drop=("sql-pw",)
    )
    next(r for r in no_password if r["name"] == "sql")["refs"] = {"resourceGroupName": "rg"}
    # No password of the program: the output is still a secret whose content cannot be judged (round 33).
    assert [m[:62] for m in _of(run(MFA, no_password), "corpus-corpus")] == [
        "the stack exports secret output(s) `sqlAdminPassword`: outputs"
    ]
