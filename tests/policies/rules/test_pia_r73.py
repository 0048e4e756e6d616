"""Round-73 class (docs/pia-conditions.md, round 73). A product link is read only where the pack can read the
product: a `ProductApiLink`/`ProductApi` putting an API into a product the stack does not create (the built-in
`starter`/`unlimited`, another stack's, one unknown at preview) leaves who may subscribe unread, so it blocks;
a `ProductGroupLink`/`ProductGroup` likewise, and product ids are matched as Azure matches names (case aside).
API Management workspaces are read by no check: their APIs, products and policies block with a message saying
how to make the data path judgeable. Each test fails on the code before the round (the commit of its
cases)."""

from __future__ import annotations

import pytest
from ruletest import case, messages_of, only, patch, run

PUBLIC = "disallow-public-data-access"
JUDGEABLE = "require-judgeable-data-types"


@pytest.mark.parametrize("stem, product", [
    ("r73p-01", "'starter'"), ("r73p-02", "'unlimited'"), ("r73p-04", "'starter'"),
])
def test_an_api_put_into_a_product_the_stack_does_not_create_blocks_on_the_link(stem, product):
    only(run(PUBLIC, case(stem)), "product-api", f"product {product}, which this stack does not create")


def test_a_product_link_unknown_at_preview_blocks():
    found = messages_of(run(PUBLIC, case("r73p-03")), "product-api")
    assert any("unknown during preview" in m for m in found), found


def test_a_group_link_to_a_product_unknown_at_preview_blocks():
    assert messages_of(run(PUBLIC, case("r73p-05")), "product-developers"), run(PUBLIC, case("r73p-05"))


def test_a_group_link_naming_the_product_in_another_case_shows_it_to_developers():
    only(run(PUBLIC, case("r73p-06")), "product", "built-in developers group")


@pytest.mark.parametrize("stem", ["r73p-60", "r73p-61", "r73p-62"])
def test_links_to_the_stacks_own_products_pass_and_the_same_link_elsewhere_blocks(stem):
    """Passing also on a product named `starter` that the stack declares (the name lists nothing); the same
    link moved to the built-in `unlimited`, no longer fed from the stack's product, blocks."""
    assert run(PUBLIC, case(stem)) == []
    assert run(JUDGEABLE, case(stem)) == []
    moved = patch(case(stem), "product-api", productId="unlimited")
    link = next(r for r in moved if r["name"] == "product-api")
    link.get("refs", {}).pop("productId", None)
    assert messages_of(run(PUBLIC, moved), "product-api"), "a link to a product of no stack is read"


@pytest.mark.parametrize("stem, name", [
    ("r73p-10", "ws-api"), ("r73p-11", "ws-api"), ("r73p-11", "ws-product"), ("r73p-11", "ws-product-api"),
])
def test_workspace_apis_and_products_block_saying_how_to_make_them_judgeable(stem, name):
    found = messages_of(run(JUDGEABLE, case(stem)), name)
    assert found and all("serve the API from the service itself" in m for m in found), found
