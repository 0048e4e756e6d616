"""How people sign in to a Transfer Family server (round 21): a password alone is one factor. SERVICE_MANAGED
users sign in with an SSH key only; a custom identity provider (API_GATEWAY, AWS_LAMBDA) takes a password
unless `sftpAuthenticationMethods` asks for a key (PUBLIC_KEY, PUBLIC_KEY_AND_PASSWORD); FTPS and FTP always
sign in by password; AWS_DIRECTORY_SERVICE checks the directory password. Closed world: what cannot be read
blocks."""

from __future__ import annotations

from policies.core.view import StackGraph, is_unknown, unknown_message

SERVER = "aws:transfer/server:Server"
_KEY_METHODS = frozenset({"PUBLIC_KEY", "PUBLIC_KEY_AND_PASSWORD"})
_CUSTOM = frozenset({"API_GATEWAY", "AWS_LAMBDA"})
_FIX = (
    "use SERVICE_MANAGED users with SSH keys, or SFTP only with sftpAuthenticationMethods PUBLIC_KEY or "
    "PUBLIC_KEY_AND_PASSWORD"
)


def _problem(server) -> str | None:
    idp, protocols = server.input("identityProviderType"), server.input("protocols")
    methods = server.input("sftpAuthenticationMethods")
    for field, value in (
        ("identityProviderType", idp),
        ("protocols", protocols),
        ("sftpAuthenticationMethods", methods),
    ):
        if is_unknown(value):
            return unknown_message(field, "how people sign in to the server")
    idp = idp or "SERVICE_MANAGED"
    if idp == "SERVICE_MANAGED":
        return None
    if idp not in _CUSTOM:
        return f"identityProviderType {idp} signs people in with a password alone (no second factor); {_FIX}"
    if any(p != "SFTP" for p in protocols or ["SFTP"]):
        return (
            f"protocols {protocols} with identity provider {idp}: FTPS and FTP sign in by password alone "
            f"(no second factor); {_FIX}"
        )
    if (methods or "PUBLIC_KEY_OR_PASSWORD") not in _KEY_METHODS:
        return (
            f"sftpAuthenticationMethods is {methods or 'unset (PUBLIC_KEY_OR_PASSWORD)'}: people sign in to "
            f"the {idp} identity provider with a password alone (no second factor); {_FIX}"
        )
    return None


def password_sign_ins(graph: StackGraph) -> list[tuple[str, str]]:
    """Transfer servers of the stack where a password alone signs a person in."""
    return [(s.urn, m) for s in graph.by_type(SERVER) if (m := _problem(s))]
