"""Round 88: session tags that name one person. IAM Identity Center's attributes for access control "pass the
attribute values of the authenticated user into IAM" (AccessControlAttribute, the SSO Admin API reference) as
session tags, read as `aws:PrincipalTag/<key>`; a key configured here replaces what an external identity
provider's SAML assertion passes for it. A key sourced from an attribute many people share (department, cost
centre, division, organisation, title, user type, locale, language, time zone, a work address's city,
region or country) is a team's; any other source (user name, id, e-mail, display, given or family name,
nickname, employee number, phone, manager, street) or one the gate does not know names one person, and so
do keys whose attributes the preview cannot read (closed world)."""

from __future__ import annotations

import re

from policies.core.view import StackGraph, is_unknown

ABAC = "aws:ssoadmin/instanceAccessControlAttributes:InstanceAccessControlAttributes"
CONTROLS = frozenset({ABAC})  # read by disallow-direct-user-grants (user_grants._tagged_user)
UNREADABLE = "*"  # the key under which attributes the preview cannot read are kept
_SHARED = re.compile(
    r"^\$\{(?:path:(?:enterprise\.(?:department|costCenter|division|organization)|title|userType|locale"
    r"|preferredLanguage|timezone|addresses\[type eq \"work\"\]\.(?:locality|region|country))"
    r"|user:(?:department|costCenter|division|organization|title|userType|locale|preferredLanguage))\}$"
)


def personal_keys(graph: StackGraph) -> dict[str, str]:
    """{lower-case session tag key: its source} of the keys that may name one person (`UNREADABLE` when some
    attributes cannot be read), indexed once per stack."""

    def build() -> dict[str, str]:
        out: dict[str, str] = {}
        for r in graph.by_type(ABAC):
            attrs = r.input("attributes")
            if not isinstance(attrs, list):
                out[UNREADABLE] = "attributes the preview cannot read"
                continue
            for a in attrs:
                key, sources = _attribute(a)
                if key is None:
                    out[UNREADABLE] = "an attribute the preview cannot read"
                elif not sources:
                    out[key] = "no source the preview can read"
                elif personal := [s for s in sources if not _SHARED.match(s)]:
                    out[key] = personal[0]
        return out

    return graph.once("iam07-session-tags", build)


def _attribute(a: object) -> tuple[str | None, list[str]]:
    """(lower-case key, sources) of one attribute; key None when either cannot be read."""
    if not isinstance(a, dict) or not isinstance(a.get("key"), str) or is_unknown(a["key"]):
        return None, []
    values = a.get("values") if isinstance(a.get("values"), list) else [a.get("value")]
    sources = [s for v in values if isinstance(v, dict) for s in (v.get("sources") or [])]
    if not values or any(not isinstance(s, str) or is_unknown(s) for s in sources):
        return None, []
    return a["key"].lower(), sources
