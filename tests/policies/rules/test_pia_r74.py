"""Round-74 class (docs/pia-conditions.md, round 74). A product link, an API policy or an API names a resource
of the stack only by its identifier and in the service that resource stands in: fed from the stack's product,
policy target or service but with `serviceName` or its identifier saying another, it names that other
resource, read nowhere. A subscription the program creates is read: its scope must name a product or API of
the stack in its service (`/apis`, every API, blocks; a scope it cannot place blocks), it allows no tracing
and has no owner (round 79: or a User of the stack). A `ClientApplicationProductLink` blocks (round 79:
read by apim_members, its application's owner no User of the stack). Each test fails on the code before the
round (the commit of its cases: d6d0f5c6, and 9d172c9e for r74p-04 and -05)."""

from __future__ import annotations

import pytest
from ruletest import case, messages_of, only, patch, run

PUBLIC = "disallow-public-data-access"
JUDGEABLE = "require-judgeable-data-types"


@pytest.mark.parametrize("stem, name, fragment", [
    ("r74p-01", "product-api", "which this stack does not create in service 'apim-platform'"),
    ("r74p-02", "api", "its own inbound policy validates no token"),
    ("r74p-03", "api", "the global policy of its service ('apim-platform'), which this stack does not"),
    ("r74p-04", "product-api", "the link puts the API into product 'starter'"),
    ("r74p-05", "api", "its own inbound policy validates no token"),
])
def test_a_resource_fed_from_the_stacks_own_names_what_its_service_and_identifier_say(stem, name, fragment):
    only(run(PUBLIC, case(stem)), name, fragment)


@pytest.mark.parametrize("stem, fragment", [
    ("r74p-10", "its key calls every API of service 'apim-corpus'"),
    ("r74p-11", "'/products/starter' names no product this stack creates"),
    ("r74p-12", "unknown during preview"),
    ("r74p-13", "the subscription allows tracing"),
    ("r74p-14", "the subscription is owned by '/users/1'"),
    ("r74p-15", "/products/unlimited' names no product this stack creates"),
    ("r74p-16", "names no product this stack creates in service 'apim-platform'"),
])
def test_a_subscription_the_program_creates_is_read(stem, fragment):
    only(run(PUBLIC, case(stem)), "key", fragment)
    assert run(JUDGEABLE, case(stem)) == []


@pytest.mark.parametrize("scope", ["/products", "/groups/partners", "/products/partners/apis/dosis-status"])
def test_a_subscription_scope_it_cannot_place_blocks(scope):
    found = run(PUBLIC, patch(case("r74p-61"), "key", scope=scope))
    only(found, "key", "is not /apis, /apis/{id} or /products")


def test_a_client_application_product_link_blocks_on_an_owner_the_stack_does_not_create():
    """Round 79: read by apim_members, (its application's owner is no User of the stack)."""
    assert run(JUDGEABLE, case("r74p-17")) == []
    only(run(PUBLIC, case("r74p-17")), "client-app-product", "its client application is owned by user")


@pytest.mark.parametrize("stem", ["r74p-60", "r74p-61"])
def test_subscriptions_to_the_stacks_own_product_or_api_pass(stem):
    assert run(PUBLIC, case(stem)) == []
    assert run(JUDGEABLE, case(stem)) == []


@pytest.mark.parametrize("stem, name", [("r74p-60", "key"), ("r74p-62", "product-api")])
def test_the_same_resource_moved_to_another_service_blocks(stem, name):
    """Passing where it stands (names compared case aside); still fed from the stack's product and service
    but moved to another, it blocks: the name, not the dependency, places it. (r74p-63, `trace` before the
    check, is a compliant case of the corpus: the decision keeps the code.)"""
    assert run(PUBLIC, case(stem)) == []
    moved = patch(case(stem), name, serviceName="apim-platform")
    assert messages_of(run(PUBLIC, moved), name), "a resource in another service is read as the stack's"
