"""Round-80 class (docs/pia-conditions.md, round 80). A published API Management product without approval
gives a key at once to every member of a group it is shown to, so besides the built-in groups it may be
shown only to a custom Group the stack creates (an external Entra group, or a group the stack does not
create, blocks); a portal identity provider's literal client secret blocks, and the provider is no longer
refused unread. The tests that fail on the code before the fix (the cases: fa78998f) say so; the others
guard."""

from __future__ import annotations

import pytest
from ruletest import case, messages_of, only, patch, run

PUBLIC = "disallow-public-data-access"
JUDGEABLE = "require-judgeable-data-types"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # Pulumi's unknown value
ENTRA = "an Entra group whose membership the directory decides, guests included"


@pytest.mark.parametrize(
    "stem, kind", [("r80p-01", "'external'"), ("r80p-04", "None"), ("r80p-05", "'External'")]
)
def test_a_product_shown_without_approval_to_an_entra_group_blocks(stem, kind):
    """Fails before: an external group was a part no check read."""
    only(run(PUBLIC, case(stem)), "product", f"is shown to group 'partners' of type {kind}")
    assert ENTRA in run(PUBLIC, case(stem))[0][1]


@pytest.mark.parametrize("stem", ["r80p-02", "r80p-03"])
def test_a_product_shown_without_approval_to_a_group_the_stack_does_not_create_blocks(stem):
    """Fails before: only the built-in Developers and Guests were read."""
    only(run(PUBLIC, case(stem)), "product", "shown to group 'contractors', which this stack does not create")


def test_a_group_whose_type_is_unknown_at_preview_blocks():
    """Fails before."""
    only(run(PUBLIC, case("r80p-07")), "product", "`type/externalId` is unknown during preview")


@pytest.mark.parametrize("stem", ["r80p-50", "r80p-52", "r80p-53", "r79p-57"])
def test_approval_an_unpublished_product_administrators_and_the_stacks_custom_group_pass(stem):
    assert run(PUBLIC, case(stem)) == []


def test_the_stacks_custom_group_with_an_external_id_blocks():
    found = run(PUBLIC, patch(case("r79p-57"), "partners", externalId="aad://x.onmicrosoft.com/groups/1"))
    only(found, "product", "of type 'custom' (externalId 'aad://x.onmicrosoft.com/groups/1')")


def test_an_identity_provider_with_a_literal_client_secret_blocks():
    """Fails before: the provider was refused unread (require-judgeable-data-types), its secret not read."""
    only(run(PUBLIC, case("r80p-06")), "idp", "its application's client secret written in the program")


@pytest.mark.parametrize("secret", ["[secret]", UNKNOWN])
def test_an_identity_provider_with_a_secret_client_secret_passes(secret):
    """Fails before (require-judgeable-data-types refused the type)."""
    resources = patch(case("r80p-51"), "idp", clientSecret=secret)
    assert run(JUDGEABLE, resources) == [] and messages_of(run(PUBLIC, resources), "idp") == []


# Wave 2 (cases 1f336cf3): an Entra application or service principal owned by a person (its `owners`, an
# ApplicationOwner) is judged as one with a secret: its owner can add a credential and act as it.
SOD = "require-separation-of-duties"
MFA = "require-admin-mfa"
OPS = "principal urn:pulumi:corpus::corpus::azuread:index/servicePrincipal:ServicePrincipal::ops-sp holds"


@pytest.mark.parametrize("stem", ["r80p-08", "r80p-09", "r80p-10", "r80p-12", "r80p-20"])
def test_an_application_a_person_or_an_unknown_object_owns_is_held_to_separation(stem):
    """Fails before: the service principal had no secret, so it was a workload (r80p-20, a person's literal
    id beside an owner fed from the pipeline, fails on 2b6fe427 too: the fed owner hid the literal one)."""
    assert any(OPS in m and "separated functions" in m for _, m in run(SOD, case(stem)))
    assert any("whose owner, not shown to be a workload, can add one" in m for _, m in run(MFA, case(stem)))


@pytest.mark.parametrize("stem", ["r80p-11", "r80p-13"])
def test_a_person_owned_application_administering_and_using_keys_blocks(stem):
    """Fails before (a role, r80p-11, or a Key Vault access policy, r80p-13)."""
    assert any("administers keys and can also use them" in m for _, m in run(SOD, case(stem)))


@pytest.mark.parametrize("stem", ["r80p-54", "r80p-55", "r80p-56"])
def test_applications_owned_by_workloads_or_holding_no_function_pass(stem):
    assert run(SOD, case(stem)) == [] and run(MFA, case(stem)) == []


def test_an_owner_owned_by_a_person_passes_the_ownership_on():
    """Fails before: the deploying application, owned by a person, makes the one it owns people too."""
    resources = patch(case("r80p-54"), "deploy-app", owners=["6f1c2d3e-0000-4000-8000-0000000000c7"])
    assert any(OPS in m for _, m in run(SOD, resources))
    assert messages_of(run(SOD, patch(case("r80p-54"), "deploy-app", owners=[])), "ra-ops-contrib") == []


# Wave 2, second batch (cases 1447b20b): a person whose role runs code on a resource (a VM's run command or
# extensions, an App Service's code or settings, an Automation account's runbooks) holds what the managed
# identities attached to it hold (iam/azure_runs_as).
DBA = "principal 00000000-0000-0000-0000-0000000000aa holds 2 separated functions: database structure, key"


@pytest.mark.parametrize("stem", ["r80p-14", "r80p-15", "r80p-17", "r80p-18", "r80p-19"])
def test_a_person_who_runs_code_as_an_identity_holds_its_functions(stem):
    """Fails before: a workload identity's functions were its own, whoever could run code as it."""
    assert any(DBA in m for _, m in run(SOD, case(stem)))


def test_a_user_assigned_identity_named_by_resource_id_is_the_machines():
    """Fails before: a VM naming its user-assigned identity by resource id (not fed from it) handed the
    identity's function to whoever signs in by key, unseen by require-admin-mfa."""
    assert any("held by the identity of virtual machine jump" in m for _, m in run(MFA, case("r80p-15")))


@pytest.mark.parametrize("stem", ["r80p-57", "r80p-58", "r80p-59"])
def test_running_as_an_identity_without_other_functions_or_without_running_code_passes(stem):
    assert run(SOD, case(stem)) == []


def test_a_resource_without_a_managed_identity_hands_nothing_on():
    """Website Contributor on a web app with no identity adds no function."""
    resources = patch(case("r80p-17"), "app", identity={"type": "None"})
    assert run(SOD, resources) == []
