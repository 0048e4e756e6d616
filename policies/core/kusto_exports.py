"""The external tables an Azure Data Explorer (Kusto) script exports to (round 54).

`.export [async] to table T <| …` and a continuous export (`.create[-or-alter] continuous-export E … to table
T`) write rows into the external table T, whose storage (blob, ADLS, SQL) is named only where T is defined:
`.create[-or-alter] external table T (…) kind=storage … (h@'https://…')`. An external table made by hand on
the cluster can point anywhere, so T must be defined by a script of the stack on the same cluster and
database, whose definition (its URLs, connection strings) is scanned as any text there; otherwise the export
blocks. A table name the pack cannot read (bracketed, computed) blocks the same way. Comments are not read.
"""

from __future__ import annotations

import re

from policies.core.view import ResourceView, is_unknown

Found = list[tuple[str, str, str]]  # (path, kind, value)
KUSTO_SCRIPT = "azure-native:kusto:Script"
EXTERNAL_TABLE = "kusto external table"  # named as `<cluster>/<database>/<table>` (graph_index.py)
_COMMENT = re.compile(r"//[^\n]*")
_NAME = r"([A-Za-z_][\w-]*)(?![\w'\"\]])"
_DEFINED = re.compile(rf"\.(?:create|create-or-alter|alter)\s+external\s+table\s+{_NAME}", re.I)
_EXPORT = re.compile(r"(?:\.export\b|\bcontinuous-export\b)[^<|]*?\bto\s+table\s+([^\s<(]+)", re.I)


def _text(view: ResourceView) -> str | None:
    text = view.input("scriptContent")
    return _COMMENT.sub(" ", text) if isinstance(text, str) and not is_unknown(text) else None


def _scope(view: ResourceView) -> str:
    return f"{view.input('clusterName')}/{view.input('databaseName')}"


def external_tables(view: ResourceView) -> list[str]:
    """`<cluster>/<database>/<table>` of each external table the script defines."""
    text = _text(view)
    return [f"{_scope(view)}/{m.group(1)}" for m in _DEFINED.finditer(text)] if text else []


def export_refs(view: ResourceView) -> Found:
    """(path, kind, value) of the external tables the script exports to: each one the stack's."""
    text = _text(view)
    found: Found = []
    for m in _EXPORT.finditer(text or ""):
        if name := re.fullmatch(_NAME, m.group(1)):
            found.append(("scriptContent", "named", f"{EXTERNAL_TABLE}|{_scope(view)}/{name.group(1)}"))
        else:
            found.append(("scriptContent", "site", f"the script exports to the external table "
                          f"{m.group(1)!r}, a name the pack cannot read, so where its storage is cannot be "
                          "judged; name the table bare, defined by a script of the stack"))
    return found
