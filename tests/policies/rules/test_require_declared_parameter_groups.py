"""require-declared-parameter-groups: a parameter group named by string is one the stack declares."""

import pytest
from ruletest import res, run

from policies.core.view import UNKNOWN

RULE = "require-declared-parameter-groups"
UNDECLARED = (
    "`{}` names {!r}, a parameter group this stack does not declare: its TLS settings cannot be judged; "
    "declare the group in the stack (and pass it, or its exact `name`)"
)
CASES = [
    ("aws:rds/instance:Instance", "parameterGroupName", "aws:rds/parameterGroup:ParameterGroup"),
    (
        "aws:rds/cluster:Cluster",
        "dbClusterParameterGroupName",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    ),
    (
        "aws:docdb/cluster:Cluster",
        "dbClusterParameterGroupName",
        "aws:docdb/clusterParameterGroup:ClusterParameterGroup",
    ),
    (
        "aws:redshift/cluster:Cluster",
        "clusterParameterGroupName",
        "aws:redshift/parameterGroup:ParameterGroup",
    ),
]


@pytest.mark.parametrize("db_type, fld, group_type", CASES)
def test_a_group_named_by_string_must_be_declared(db_type, fld, group_type):
    db = res("db", db_type, {fld: "tls-strict"})
    assert run(RULE, [db]) == [("db", UNDECLARED.format(fld, "tls-strict"))]
    assert run(RULE, [db, res("g", group_type, {"name": "tls-strict"})]) == []
    # a group of another kind with that name is not the database's group
    other = next(t for _, _, t in CASES if t != group_type)
    assert run(RULE, [db, res("g", other, {"name": "tls-strict"})]) == [
        ("db", UNDECLARED.format(fld, "tls-strict"))
    ]


def test_a_fed_group_the_default_group_and_an_unknown_name():
    group = res("g", "aws:rds/parameterGroup:ParameterGroup", {"name": "auto-1234"})
    fed = res(
        "db",
        "aws:rds/instance:Instance",
        {"parameterGroupName": "auto-1234"},
        refs={"parameterGroupName": "g"},
    )
    assert run(RULE, [fed, group]) == []
    for name in (None, "default.postgres14"):  # the engine's default group is require-tls-1-2's
        assert run(RULE, [res("db", "aws:rds/instance:Instance", {"parameterGroupName": name})]) == []
    unknown = res("db", "aws:rds/instance:Instance", {"parameterGroupName": UNKNOWN})
    assert run(RULE, [unknown]) == [
        (
            "db",
            "`parameterGroupName` is unknown during preview, so the TLS settings of its parameter group "
            "cannot be judged; the resource is treated as non-compliant (fail closed)",
        )
    ]
