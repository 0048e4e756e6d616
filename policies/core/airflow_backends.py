"""Airflow secrets backends and the store prefixes they read by default (red-team round 15).

A secrets backend reads every connection, variable and configuration option stored under its prefixes at run
time; round 14 judged the prefixes a program writes (`connections_prefix` in the backend kwargs). A backend
left at its defaults reads under the provider's own prefixes (`airflow/connections`, a Vault
`connections_path` of `connections`), and a backend the pack does not know reads wherever its class says.
Each default prefix the kwargs do not set to null is a prefix like a written one (kind `held`, judged by
policies/core/stored_refs.py); an unknown backend class blocks.
"""

from __future__ import annotations

import json
from typing import Any

# backend class -> (kwargs key, default prefix) of what it reads (the providers' documented defaults).
_AWS_SM = (("connections_prefix", "airflow/connections"), ("variables_prefix", "airflow/variables"),
           ("config_prefix", "airflow/config"))
_DASHED = (("connections_prefix", "airflow-connections"), ("variables_prefix", "airflow-variables"),
           ("config_prefix", "airflow-config"))
BACKENDS: dict[str, tuple[tuple[str, str], ...]] = {
    "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend": _AWS_SM,
    "airflow.providers.amazon.aws.secrets.systems_manager.SystemsManagerParameterStoreBackend": tuple(
        (k, "/" + v) for k, v in _AWS_SM),
    "airflow.providers.hashicorp.secrets.vault.VaultBackend": (
        ("connections_path", "connections"), ("variables_path", "variables"), ("config_path", "config")),
    "airflow.providers.google.cloud.secrets.secret_manager.CloudSecretManagerBackend": _DASHED,
    "airflow.providers.microsoft.azure.secrets.key_vault.AzureKeyVaultBackend": _DASHED,
}
# Where a backend is configured: MWAA configuration options, or the environment of a self-hosted Airflow.
_OPTION_PAIRS = (("secrets.backend", "secrets.backend_kwargs"),
                 ("AIRFLOW__SECRETS__BACKEND", "AIRFLOW__SECRETS__BACKEND_KWARGS"))
UNKNOWN_BACKEND = "backend"  # the store kind of an unknown backend class


def _settings(value: dict[str, Any]) -> dict[str, Any]:
    """The options or environment settings a dict holds (an ECS container's `environment` list too)."""
    env = value.get("environment")  # lists and dicts may be policy proxies: read through `get`
    if env is not None and not isinstance(env, str) and not hasattr(env, "get") and hasattr(env, "__iter__"):
        return {e.get("name"): e.get("value") for e in env if hasattr(e, "get")}
    return value


def backend_prefixes(value: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, prefix) of the default prefixes an Airflow secrets backend configured in `value` reads (kind
    `prefix`), or (`backend`, class) for a backend the pack does not know."""
    settings = _settings(value)
    for backend_key, kwargs_key in _OPTION_PAIRS:
        backend = settings.get(backend_key)
        if not isinstance(backend, str) or not backend.strip():
            continue
        if backend.strip() not in BACKENDS:
            return [(UNKNOWN_BACKEND, backend.strip())]
        raw = settings.get(kwargs_key)
        try:
            kwargs = json.loads(raw) if isinstance(raw, str) and raw.strip() else {}
        except ValueError:
            kwargs = None
        if not isinstance(kwargs, dict):
            return [(UNKNOWN_BACKEND, f"{backend.strip()} with unreadable kwargs")]
        return [("prefix", default) for key, default in BACKENDS[backend.strip()] if key not in kwargs]
    return []


def backend_problem(path: str, backend: str) -> str:
    """Why an Airflow secrets backend the pack does not know (or cannot read the kwargs of) blocks."""
    return (f"`{path}` configures the Airflow secrets backend {backend!r}, which reads connections, "
            "variables and configuration from a store the pack cannot enumerate or does not know, so the "
            "destinations it holds cannot be judged; use a backend listed in "
            "policies/core/airflow_backends.py with every prefix set to null, or keep connections in "
            "settings the program states")
