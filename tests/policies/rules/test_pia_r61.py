"""Round-61 classes (docs/pia-conditions.md, round 61). Round 60 read subnets only in `virtualNetworkRules`
and in rules that are resources of their own: App Service access restrictions admitting a subnet of another
subscription, an app's Regional VNet Integration into one, and a private endpoint, a delegated flexible
server, a Container Apps environment or an AKS node pool placed in one all passed. Each test fails on the code
before the round."""

from __future__ import annotations

from ruletest import case, only, patch, run

PUBLIC = "disallow-public-data-access"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # a preview-unknown value (fed from another resource)
FOREIGN_ID = (
    "/subscriptions/9f9f9f9f-1111-4222-8333-444444444444/resourceGroups/rg-partner/providers/"
    "Microsoft.Network/virtualNetworks/vnet-partner/subnets/apps"
)
FOREIGN = "of subscription '9f9f9f9f-1111-4222-8333-444444444444', which the stack's PIA record does not name"


def test_access_restrictions_admit_only_subnets_of_the_stack():
    found = run(PUBLIC, case("r61p-01"))
    only(found, "app", "`siteConfig.ipSecurityRestrictions[0].vnetSubnetResourceId` admits subnet")
    only(found, "app", FOREIGN)
    only(run(PUBLIC, case("r61p-02")), "app-staging", "`siteConfig.scmIpSecurityRestrictions[0]")
    for stem in ("r61p-70", "r61p-50"):
        assert run(PUBLIC, case(stem)) == [], stem


def test_a_subnet_an_app_joins_or_a_resource_is_placed_in_is_the_stacks():
    for stem, name, where in (
        ("r61p-03", "app", "`virtualNetworkSubnetId` names subnet"),
        ("r61p-04", "app-vnet", "`subnetResourceId` names subnet"),
        ("r61p-40", "pgflex", "`network.delegatedSubnetResourceId` names subnet"),
        ("r61p-41", "store-pe", "`subnet.id` names subnet"),
        ("r61p-42", "cae", "`vnetConfiguration.infrastructureSubnetId` names subnet"),
        ("r61p-43", "aks", "`agentPoolProfiles[0].vnetSubnetID` names subnet"),
    ):
        found = run(PUBLIC, case(stem))
        only(found, name, where)
        only(found, name, FOREIGN)
    assert run(PUBLIC, case("r61p-71")) == []


def test_a_subnet_id_under_a_field_no_list_names_is_read_by_its_shape():
    odd = patch(case("r61p-70"), "app", hostingSubnetOfTomorrow={"target": FOREIGN_ID})
    only(run(PUBLIC, odd), "app", "`hostingSubnetOfTomorrow.target` names subnet")


def test_a_subnet_field_that_cannot_be_read_blocks():
    unread = patch(case("r61p-03"), "app", virtualNetworkSubnetId="subnet-app")
    only(run(PUBLIC, unread), "app", "no readable ARM subnet id fed from a subnet of this stack")
    unfed = patch(case("r61p-03"), "app", virtualNetworkSubnetId=UNKNOWN)
    only(run(PUBLIC, unfed), "app", "`virtualNetworkSubnetId` is unknown during preview")
    whole = patch(case("r61p-70"), "app", siteConfig={"ipSecurityRestrictions": UNKNOWN})
    for r in whole:
        if r["name"] == "app":
            r["refs"] = {"resourceGroupName": "rg", "virtualNetworkSubnetId": "subnet-app"}
    only(run(PUBLIC, whole), "app", "`siteConfig.ipSecurityRestrictions` is unknown during preview")


def test_a_literal_id_the_stack_records_for_its_own_network_is_the_stacks():
    """(Lead of round 61, closed after the merge.) An update's preview knows the ids of what exists: a literal
    id equal to the recorded id of the stack's subnet, or of a subnet under its recorded virtual network, is
    the stack's own in a subscription no provider pins; a twin under another network is not. Before: the
    component tests of the DOSIS network (`test_azure_pack_defaults.py`) were blocked on their own subnets."""
    vnet = FOREIGN_ID.replace("rg-partner", "rg-corpus").replace("vnet-partner", "vnet-corpus")
    vnet = vnet.rsplit("/subnets/")[0]
    network = next(r for r in case("r61p-71") if r["name"] == "pgflex")["inputs"]["network"]

    def delegated(subnet_id: str) -> list:
        out = patch(patch(patch(case("r61p-71"), "subnet-pg", id=f"{vnet}/subnets/pg"), "vnet", id=vnet),
                    "pgflex", network={**network, "delegatedSubnetResourceId": subnet_id})
        next(r for r in out if r["name"] == "pgflex")["refs"].pop("network")
        return out

    assert run(PUBLIC, delegated(f"{vnet}/subnets/pg")) == []
    assert run(PUBLIC, delegated(f"{vnet.upper()}/subnets/other")) == []   # ARM ids: any case
    twin = f"{vnet.replace('vnet-corpus', 'vnet-twin')}/subnets/pg"
    only(run(PUBLIC, delegated(twin)), "pgflex", "`network.delegatedSubnetResourceId` names subnet")
