"""What every live collector shares: turning API failures into per-check results, and reading the plan."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from evidence.model import LiveCheck, StackEvidence

DENIED_CODES = (
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "AuthorizationFailed",
    "Forbidden",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "ExpiredToken",
    "ExpiredTokenException",
)


def failure_status(exc: BaseException) -> tuple[str, str]:
    """("error" | "not-verified", one-line reason) for an exception raised by an SDK call.

    Missing permissions and unreachable endpoints are "error"; missing credentials "not-verified".
    Neither is ever a pass.
    """
    name = type(exc).__name__
    code = ""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = str(response.get("Error", {}).get("Code", ""))
    status_code = getattr(exc, "status_code", None)
    error_code = getattr(getattr(exc, "error", None), "code", None) or ""
    if (
        name
        in (
            "NoCredentialsError",
            "PartialCredentialsError",
            "CredentialUnavailableError",
            "ClientAuthenticationError",
        )
        and not code
    ):
        return "not-verified", f"no credentials ({name})"
    if code in DENIED_CODES or status_code in (401, 403) or error_code in DENIED_CODES:
        return "error", f"missing permission: {code or error_code or status_code}"
    if name in (
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ServiceRequestError",
        "ServiceResponseError",
        "ConnectionError",
    ):
        return "error", f"API unreachable ({name})"
    first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return "error", f"{code or error_code or name}: {first}"


def failed(cloud: str, check_id: str, resource: str, resource_type: str, exc: BaseException) -> LiveCheck:
    """The result of a check whose API call raised: error or not-verified, with the reason."""
    status, reason = failure_status(exc)
    return LiveCheck(cloud, check_id, resource, status, reason, resource_type=resource_type)  # type: ignore[arg-type]


def guarded(cloud: str, check: str, resource_type: str, fn: Callable[[], list[LiveCheck]]) -> list[LiveCheck]:
    """Run one collector step; any failure becomes one error / not-verified result for that check."""
    try:
        return fn()
    except Exception as exc:
        return [failed(cloud, check, "", resource_type, exc)]


def planned(evidence: list[StackEvidence], resource_type: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(stack, inputs) of every planned resource of one type."""
    for ev in evidence:
        for r in ev.resources():
            if r.get("type") == resource_type:
                yield ev.stack, dict(r.get("inputs") or {})


def stack_outputs(evidence: list[StackEvidence], stack_prefix: str) -> dict[str, Any]:
    """Outputs of the first exported stack whose name starts with ``stack_prefix``."""
    for ev in evidence:
        if ev.stack.startswith(stack_prefix):
            for r in ev.resources():
                if r.get("type") == "pulumi:pulumi:Stack":
                    return dict(r.get("outputs") or {})
    return {}


def check(
    cloud: str,
    check_id: str,
    resource: str,
    ok: bool | None,
    detail: str,
    resource_type: str,
    actual: Any = None,
    expected: Any = None,
    drift: bool = False,
) -> LiveCheck:
    """A LiveCheck from a boolean verdict (None: the cloud did not say -> not-verified)."""
    status = "not-verified" if ok is None else ("pass" if ok else "fail")
    return LiveCheck(
        cloud=cloud,
        check=check_id,
        resource=resource,
        status=status,  # type: ignore[arg-type]
        detail=detail,
        resource_type=resource_type,
        actual=actual,
        expected=expected,
        drift=drift,
    )


def attempt(
    cloud: str, check_id: str, resource: str, resource_type: str, fn: Callable[[], LiveCheck]
) -> LiveCheck:
    """One check on one resource; a failing call becomes an error / not-verified result for it alone."""
    try:
        return fn()
    except Exception as exc:
        return failed(cloud, check_id, resource, resource_type, exc)


def planned_by(evidence: list[StackEvidence], resource_type: str, key: str) -> dict[str, dict[str, Any]]:
    """Planned resources of one type keyed by the input that names them in the cloud (e.g. "name")."""
    return {
        inputs[key]: inputs
        for _, inputs in planned(evidence, resource_type)
        if isinstance(inputs.get(key), str) and inputs[key]
    }


def drift_of(inputs: dict[str, Any] | None, path: str, live: Any) -> tuple[Any, bool]:
    """(planned value at dotted ``path`` or None, whether the live value differs from a known plan value)."""
    value: Any = inputs
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    known = isinstance(value, bool | int | str) and value != "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    return (value if known else None), (known and value != live)
