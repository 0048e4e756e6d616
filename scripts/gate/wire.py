"""Values as they travel over the engine's wire: unknowns, secrets and resource references.

The sentinels are the Pulumi wire protocol's, the values `pulumi.runtime.rpc` holds (a test compares them),
so a record matches what the engine and the policy SDK see byte for byte. Written here rather than imported:
importing the SDK costs a run that records nothing (every stack from the cache) a sixth of a second.
"""

from __future__ import annotations

from typing import Any

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SIG_KEY = "4dabf18193072939515e22adb298388d"

__all__ = ["RESOURCE_SIG", "SECRET_SIG", "SIG_KEY", "UNKNOWN", "is_secret", "is_unknown",
           "plain_to_struct", "secret", "struct_to_plain", "unknown_value"]


def is_secret(value: Any) -> bool:
    """True for the secret signature object `{SIG_KEY: SECRET_SIG, "value": ...}`."""
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def is_unknown(value: Any) -> bool:
    return value == UNKNOWN


def unknown_value(value: Any) -> bool:
    """Unknown, or a secret whose value is unknown."""
    return value == UNKNOWN or (is_secret(value) and value.get("value") == UNKNOWN)


def secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def _normalize(value: Any) -> Any:
    """Protobuf Struct JSON -> engine-like JSON: whole floats become ints, resource refs become id/urn."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    if isinstance(value, dict):
        if value.get(SIG_KEY) == RESOURCE_SIG:
            rid = value.get("id")
            if rid is None:
                return value.get("urn", UNKNOWN)
            return rid if rid != "" else UNKNOWN
        return {k: _normalize(v) for k, v in value.items()}
    return value


def struct_to_plain(struct: Any) -> dict[str, Any]:
    from google.protobuf import json_format

    return _normalize(json_format.MessageToDict(struct)) if struct is not None else {}


def plain_to_struct(data: dict[str, Any]) -> Any:
    from google.protobuf import json_format, struct_pb2

    return json_format.ParseDict(data, struct_pb2.Struct())
