"""The data catalogs an Athena saved query or prepared statement reads and writes (round 52).

A query names a table `catalog.database.table` (identifiers bare, "quoted" or `backticked`). `awsdatacatalog`
is the account's Glue Data Catalog in the query's region; any other catalog is one registered in the account
(a Lambda connector, a Hive metastore, another account's Glue catalog) that decides where the rows are read
from or written to: it must be an `aws.athena.DataCatalog` of the stack, whose parameters are judged there.
A three-part name that is no table (`database.table.column`, an alias's struct field `e.detail.status`) reads
the same: qualify a column by its table's alias, parenthesize a struct (`(e.detail).status`). String literals
and comments are not read (their URLs are scanned as any text). Round 53: `USING EXTERNAL FUNCTION …
LAMBDA 'fn'` sends the rows it is called on to that Lambda; an ARN there is scanned as any text, a bare name
must be a function of the stack (judged by its region).
"""

from __future__ import annotations

import re

from policies.core.view import ResourceView, is_unknown

Found = list[tuple[str, str, str]]  # (path, kind, value)
DATA_CATALOG = "aws:athena/dataCatalog:DataCatalog"
LAMBDA_FUNCTION = "aws:lambda/function:Function"
QUERY_INPUTS = {"aws:athena/namedQuery:NamedQuery": "query",
                "aws:athena/preparedStatement:PreparedStatement": "queryStatement"}
_DEFAULT_CATALOG = "awsdatacatalog"
_QUIET = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.S)  # literals and comments
_PART = r'(?:"((?:[^"]|"")+)"|`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*))'
_EXTERNAL = re.compile(r"\bLAMBDA\s+'((?:[^']|'')+)'", re.I)  # an external function's Lambda
_THREE_PARTS = re.compile(rf"(?<![\w.\"`]){_PART}\s*\.\s*{_PART}\s*\.\s*{_PART}")


def catalog_refs(view: ResourceView) -> Found:
    """(path, kind, value) of the catalogs other than the account's own, and the Lambdas by bare name, that a
    query's SQL names."""
    key = QUERY_INPUTS[view.type]
    sql = view.input(key)
    if not isinstance(sql, str) or is_unknown(sql):
        return []  # an unknown query is judged by where it is computed from (resolution)
    found: Found = [(key, "named", f"{LAMBDA_FUNCTION}|{fn}") for m in _EXTERNAL.finditer(sql)
                    if not (fn := m.group(1).replace("''", "'")).startswith("arn:")]
    for m in _THREE_PARTS.finditer(_QUIET.sub(" ", sql)):
        catalog = (m.group(1) or "").replace('""', '"') or m.group(2) or m.group(3)
        ref = (key, "named", f"{DATA_CATALOG}|{catalog}")
        if catalog.lower() != _DEFAULT_CATALOG and ref not in found:
            found.append(ref)
    return found
