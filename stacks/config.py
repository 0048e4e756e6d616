"""Stack configuration, validated once at load.

Every system reads its settings through `load()`, which turns `Pulumi.<stack>.yaml` into a typed,
frozen dataclass and fails on the first bad key with a message naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any, TypeVar

import pulumi

T = TypeVar("T")

# Keys every stack carries that no system schema declares (read by stacks/__main__.py).
SHARED_KEYS = frozenset({"system"})


class ConfigError(Exception):
    """A stack configuration value is missing or of the wrong shape."""


def _config_file() -> str:
    return f"stacks/Pulumi.{pulumi.get_stack()}.yaml"


def _coerce(key: str, value: Any, annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _coerce(key, value, inner)
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise ConfigError(f"{_config_file()}: {key}: expected a list, got {type(value).__name__}")
        return tuple(_coerce(f"{key}[{i}]", v, args[0]) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{_config_file()}: {key}: expected a mapping, got {type(value).__name__}")
        return {str(k): _coerce(f"{key}.{k}", v, args[1]) for k, v in value.items()}
    if annotation is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{_config_file()}: {key}: expected true or false, got {value!r}")
        return value
    if annotation is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{_config_file()}: {key}: expected a whole number, got {value!r}")
        return value
    if annotation is str:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{_config_file()}: {key}: expected a non-empty string, got {value!r}")
        return value
    raise TypeError(f"unsupported config annotation {annotation!r} for {key}")


def _read(cfg: pulumi.Config, key: str, annotation: Any) -> Any:
    """The raw value of `key`: text for string fields (an account id stays a string), else decoded JSON."""
    text = cfg.get(key)
    if text is None:
        return None
    inner = [a for a in typing.get_args(annotation) if a is not type(None)]
    if annotation is str or inner == [str]:
        if text[:1] in "[{":   # a list or mapping in the stack file reaches the program as its JSON text
            try:
                structured = json.loads(text)
            except ValueError:
                return text
            if isinstance(structured, list | dict):
                raise ConfigError(f"{_config_file()}: {cfg.full_key(key)}: expected a string, got a "
                                  f"{'list' if isinstance(structured, list) else 'mapping'}")
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def load(schema: type[T], namespace: str | None = None) -> T:
    """Read the project namespace of the stack config into `schema` (a dataclass).

    Field `foo_bar` is read from key `<project>:fooBar`; fields with defaults are optional.
    Unknown keys in the namespace are errors too, so a typo never silently falls back to a default.
    """
    cfg = pulumi.Config(namespace)
    ns = namespace or pulumi.get_project()
    hints = typing.get_type_hints(schema)
    known = {}
    values = {}
    for field in dataclasses.fields(schema):  # type: ignore[arg-type]
        camel = field.name.split("_")[0] + "".join(p.title() for p in field.name.split("_")[1:])
        known[camel] = field
        raw = _read(cfg, camel, hints[field.name])
        if raw is None:
            if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                raise ConfigError(f"{_config_file()}: {ns}:{camel}: required key is missing")
            continue
        values[field.name] = _coerce(f"{ns}:{camel}", raw, hints[field.name])
    present = {**pulumi.runtime.get_config_env(), **pulumi.runtime.config.CONFIG.get()}
    for full_key in present:
        if full_key.startswith(f"{ns}:") and full_key.split(":", 1)[1] not in known.keys() | SHARED_KEYS:
            raise ConfigError(f"{_config_file()}: {full_key}: unknown key for this stack")
    return schema(**values)


# ---------------------------------------------------------------- sovereignty (issue 17)
# Who holds the keys of the data stores, per cloud, weakest first (docs/sovereignty.md compares them).
KEY_CUSTODY: dict[str, tuple[str, ...]] = {
    "azure": ("provider-managed", "managed-hsm"),
    "aws": ("provider-managed", "byok-import", "cloudhsm", "xks"),
}


def config_error(key: str, message: str) -> ConfigError:
    """An error naming the file and the key (`<project>:<key>`)."""
    return ConfigError(f"{_config_file()}: {pulumi.get_project()}:{key}: {message}")


def check_key_custody(value: str, cloud: str) -> None:
    """`keyCustody` must be one of the options of the stack's cloud."""
    if value not in KEY_CUSTODY[cloud]:
        raise config_error("keyCustody", f"expected one of {', '.join(KEY_CUSTODY[cloud])}, got {value!r}")
