"""The contained database users of DOSIS, as T-SQL the deployment identity runs after `pulumi up`.

ARM cannot create users inside a database; the SQL Entra administrator (the deployment pipeline's
identity) runs these statements over the private endpoint (docs/runbook-dosis.md, step "database users").
Least privilege (DPA annex 3 a.i.3): DOSIS-IN writes, DOSIS-UIT reads, the database-structure
administrators change the schema but read no rows (db_ddladmin without db_datareader; D36 §113).
"""

from __future__ import annotations

import re

# principal -> database roles
GRANTS = {
    "app_in": ("db_datawriter", "db_datareader"),
    "app_uit": ("db_datareader",),
    "structure": ("db_ddladmin",),
}
_NAME = re.compile(r"^[A-Za-z0-9-]{1,128}$")


def grant_script(app_in: str, app_uit: str, structure_group: str) -> str:
    """Idempotent T-SQL creating the three Entra users and their roles (names are checked, not quoted)."""
    names = {"app_in": app_in, "app_uit": app_uit, "structure": structure_group}
    lines = []
    for key, name in names.items():
        if not _NAME.match(name):
            raise ValueError(f"not an Entra display name usable as a SQL user: {name!r}")
        lines.append(f"IF USER_ID('{name}') IS NULL CREATE USER [{name}] FROM EXTERNAL PROVIDER;")
        lines.extend(f"ALTER ROLE {role} ADD MEMBER [{name}];" for role in GRANTS[key])
    lines.append(f"DENY SELECT, INSERT, UPDATE, DELETE TO [{structure_group}];")
    return "\n".join(lines) + "\n"
