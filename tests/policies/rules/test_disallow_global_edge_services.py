"""disallow-global-edge-services: resources of the `edge` class (CDN, front door, accelerator, global
tables) block; regional resources pass."""

from __future__ import annotations

import pytest
from policy_testlib import messages, res

RULE = "disallow-global-edge-services"


def test_regional_resources_pass():
    assert messages(RULE, res("aws:dynamodb/table:Table", "t")) == []
    assert messages(RULE, res("azure-native:frontdoor:FrontDoor", "fd", custom=False)) == []  # a component


@pytest.mark.parametrize("token", ["azure-native:frontdoor:FrontDoor", "aws:dynamodb/globalTable:GlobalTable",
                                   "aws:cloudfront/distribution:Distribution"])
def test_edge_services_block(token):
    assert messages(RULE, res(token, "e")) == [
        f"{token} is a global or edge service: it serves or replicates data outside one EEA region"
    ]
