"""Speed round 22: the endpoints record's stamp from a string path, the subnet and private-link walks of
disallow-public-data-access into a list, and one parse of a stack's waiver and PIA records for the pack's
shape check and the rules' reader. Each is held to what the direct computation gives: the stamp to
`stamp(Path(...))`, the walks to a spec (every node of the value, classified) on generated values, odd ones
(subclasses, unknowns, non-string keys) and every document of the corpora, the shared parse to
`_read_yaml`."""

from __future__ import annotations

from collections import UserDict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies.core import endpoints, records, yaml_text
from policies.core import network_rule_subnets as subnets
from policies.core import private_link_targets as links
from policies.core.file_stamps import stamp
from policies.core.record_shapes import validate_stack_records
from policies.core.view import UNKNOWN_VALUES, is_unknown
from tests.policies.test_references_ascii import _documents

UNKNOWN = sorted(UNKNOWN_VALUES)[0]
SUBNET = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vn/subnets/sn"
VNET = "/SUBSCRIPTIONS/s2/resourcegroups/rg/providers/microsoft.network/VIRTUALNETWORKS/vn"


# ---------------------------------------------------------------- the endpoints record's stamp


@pytest.mark.parametrize("where", ["record", "record/", "missing", "", "."])
def test_the_endpoints_stamp_is_the_record_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  where: str) -> None:
    (tmp_path / "record").mkdir()
    (tmp_path / "record" / "endpoints.yaml").write_text("endpoints: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "record" if where in ("", ".") else tmp_path)
    assert endpoints._file(where) == stamp(Path(where) / "endpoints.yaml")
    assert (endpoints._file(where) is None) == (where == "missing")


def test_judging_a_reference_builds_no_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """load_endpoints runs once per judged resource (LocalJudge): a `Path` cost three times its `stat`."""
    (tmp_path / "endpoints.yaml").write_text("endpoints: []\n", encoding="utf-8")
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    assert endpoints.load_endpoints("s") == ()   # parsed (a Path for its messages), then remembered

    def no_path(*_: Any) -> Any:
        raise AssertionError("a Path built per call")

    monkeypatch.setattr(endpoints, "Path", no_path)
    assert endpoints.load_endpoints("s") == ()


# ---------------------------------------------------------------- one parse of a stack's records

REPO = Path(__file__).resolve().parents[2]
WAIVER = """waivers:
  - rule: require-customer-managed-keys
    resource: "urn:pulumi:s::p::aws:s3/bucket:Bucket::b{n}"
    reason: a reason that is long enough to pass
    owner: someone
    decided: 2026-11-30
    expires: 2027-05-30
"""


@pytest.mark.parametrize("path", sorted((REPO / "stacks" / "records").glob("*/*.yaml")), ids=lambda p: p.name)
def test_the_shared_parse_is_the_records_reader(path: Path) -> None:
    assert records.read_record(path) == records._read_yaml(path)


def test_a_bad_or_missing_record_reads_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1\n", encoding="utf-8")
    for path in (bad, tmp_path / "missing.yaml"):
        assert records.read_record(path) == records._read_yaml(path)


def test_the_pack_check_and_the_waivers_reader_parse_once(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A tiled stack's 1.4 MB waivers were parsed by the pack's shape check and again by each process's
    reader; an edited record is still read again."""
    (tmp_path / "waivers").mkdir()
    file = tmp_path / "waivers" / "s.yaml"
    file.write_text(WAIVER.format(n=1), encoding="utf-8")
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    monkeypatch.setenv("PULUMI_STACK", "s")
    parses: list[str] = []
    real = yaml_text.safe_load
    monkeypatch.setattr(yaml_text, "safe_load", lambda text: parses.append(text) or real(text))
    on = records.dt.date(2026, 12, 5)
    validate_stack_records(("waivers",))
    assert len(records.load_waivers("s", on).waivers) == 1
    assert len(parses) == 1
    file.write_text(WAIVER.format(n=1) + WAIVER.format(n=22).removeprefix("waivers:\n"), encoding="utf-8")
    assert len(records.load_waivers("s", on).waivers) == 2
    assert len(parses) == 2


# ---------------------------------------------------------------- the walks, against their spec


def _visit(value: Any, path: Any, key: Any, parent: Any, parent_key: Any, take: Any) -> None:
    """Depth first over `value` and what it holds, not below a node `take` took."""
    if take(path, value, key, parent, parent_key):
        return
    if isinstance(value, dict):
        for k, v in value.items():
            _visit(v, f"{path}.{k}" if path else k, k, value, key, take)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _visit(v, f"{path}[{i}]", key, value, parent_key, take)


def _named_spec(value: Any) -> list[tuple[str, Any, bool]]:
    """The docstring of network_rule_subnets._named, node by node: an unknown `_LISTS` value whole; each
    `virtualNetworkRules` entry's subnet; each `id` of an `_ID_OBJECTS` object; a set `_SUBNET_KEYS`
    field; any other string shaped like a network id. Nothing below what was taken."""
    out: list[tuple[str, Any, bool]] = []

    def take(path: Any, v: Any, key: Any, parent: Any, parent_key: Any) -> bool:
        if key in subnets._LISTS and is_unknown(v):
            out.append((path, v, True))
        elif key == "virtualNetworkRules" and isinstance(v, list):
            out.extend((f"{path}[{i}]", subnets._rule_id(e), True) for i, e in enumerate(v))
        elif isinstance(parent, dict) and parent_key in subnets._ID_OBJECTS and key == "id":
            out.append((path, v, True))
        elif isinstance(v, dict | list):
            return False
        elif key in subnets._SUBNET_KEYS and v is not None and v != "":
            out.append((path, v, True))
        elif isinstance(v, str) and subnets._NETWORK_ID.match(v):
            out.append((path, v, False))
        return True

    _visit(value, "", "", None, None, take)
    return out


def _links_spec(value: Any) -> list[tuple[str, Any, Any]]:
    """The docstring of private_link_targets._links: each `_KEYS` field with its object, each `id` of a
    `privateLink` object with the object holding `privateLink`; nothing below what was taken. Integer keys
    (of lists and of dicts) read `[k]`."""
    out: list[tuple[str, Any, Any]] = []

    def walk(v: Any, path: Any, key: Any, outer: Any) -> None:
        pairs = list(v.items()) if isinstance(v, dict) else list(enumerate(v)) if isinstance(v, list) else []
        for k, child in pairs:
            at = f"{path}[{k}]" if isinstance(k, int) else f"{path}.{k}" if path else k
            if k in links._KEYS:
                out.append((at, child, v))
            elif key == "privateLink" and k == "id":
                out.append((at, child, outer))
            else:
                walk(child, at, k, v)

    walk(value, "", None, None)
    return out


class _Str(str):
    pass


ODD: list[Any] = [
    {"virtualNetworkRules": UNKNOWN, "ipSecurityRestrictions": [{"vnetSubnetResourceId": SUBNET}, UNKNOWN]},
    {"virtualNetworkRules": [{"subnet": {"id": SUBNET}}, {"virtualNetworkResourceId": VNET}, {"id": 3},
                             SUBNET]},
    {"subnet": {"id": UNKNOWN, "x": SUBNET}, "remoteVirtualNetwork": {"id": None},
     "virtualNetwork": {"id": ""}},
    {"subnetId": "", "vnetSubnetID": None, "podSubnetID": 0, "infrastructureSubnetId": False,
     "virtualNetworkSubnetId": UNKNOWN, "x": [SUBNET, [VNET, _Str(SUBNET)], 1.5, None, True]},
    {"a": _Str(SUBNET), "b": UserDict({"subnetId": SUBNET}), 7: {"id": SUBNET}, None: SUBNET, 2.5: VNET},
    {"subnetId": [SUBNET, "", None], "scmIpSecurityRestrictions": [UNKNOWN], "tags": {"subnet": SUBNET}},
    {"privateLinkServiceId": SUBNET, "x": {"privateLink": {"id": UNKNOWN}, "groupId": "blob"},
     "y": [{"privateLinkResourceId": None, "groupIds": ["vault"]}], 3: {"privateLinkServiceId": "a"},
     "privateLink": {"id": "top"}, "z": {"privateLink": [{"id": "listed"}], "w": _Str("privateLink")}},
    [SUBNET, {"subnetId": VNET}, {"privateLinkResourceId": "p"}],
    SUBNET, UNKNOWN, None, 5,
]

_KEYS = sorted(subnets._LISTS | subnets._SUBNET_KEYS | subnets._ID_OBJECTS | links._KEYS
               | {"id", "privateLink", "x", "groupIds"})
_LEAVES = st.sampled_from([SUBNET, VNET, UNKNOWN, "", "/subscriptions/", "eu-west-1", None, True, 0, 1.5]) | (
    st.sampled_from([SUBNET, "x"]).map(_Str))
_VALUES = st.recursive(_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(_KEYS) | st.integers(0, 3), inner, max_size=5), max_leaves=25)


def _check(value: Any) -> None:
    assert subnets._named(value, "") == _named_spec(value)
    assert links._links(value, "") == _links_spec(value)


@pytest.mark.parametrize("value", ODD, ids=[str(i) for i in range(len(ODD))])
def test_the_walks_find_what_their_spec_says_on_odd_values(value: Any) -> None:
    _check(value)


@settings(max_examples=400, deadline=None)
@given(_VALUES)
def test_the_walks_find_what_their_spec_says_on_generated_values(value: Any) -> None:
    _check(value)


def test_the_walks_find_what_their_spec_says_on_the_corpora() -> None:
    docs = _documents()
    assert len(docs) > 1000
    found = 0
    for doc in docs:
        _check(doc)
        found += len(subnets._named(doc, "")) + len(links._links(doc, ""))
    assert found > 100   # the corpora name subnets and private links: the comparison is not of empties
