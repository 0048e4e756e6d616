"""Policy pack configuration with the Pulumi CLI's semantics.

`--policy-pack-config PACK=FILE` takes exactly the JSON the CLI's `--policy-pack-config` takes. The CLI
then reconciles it per pack (`ReconcilePolicyPackConfig` in pulumi/pulumi): schema defaults first, the
pack's `initial_config` on top, the user's file on top of that (`"all"` sets every policy's level), and
finally validates each policy's properties against its `config_schema`. We do the same, so a pack judges
a stack offline exactly as `pulumi preview --policy-pack DIR --policy-pack-config FILE` would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.errors import GateError, UsageError

LEVELS = ("advisory", "mandatory", "remediate", "disabled")


@dataclass
class PolicyConfig:
    """One policy's configured enforcement level (may be "" = unset) and properties."""

    level: str = ""
    properties: dict[str, Any] | None = None


@dataclass
class PolicyInfo:
    """What the CLI learns about a policy from GetAnalyzerInfo."""

    name: str
    level: str                                   # the policy's own level, else the pack's
    schema: dict[str, Any] | None = None         # {"properties": {...}, "required": [...]} or None
    description: str = ""
    severity: str = ""
    kind: str = "resource"                       # "resource" | "stack"
    extra: dict[str, Any] = field(default_factory=dict)


class PackConfigFile(dict):
    """The raw JSON object of one config file; remembers the file so later errors can name it."""

    source: str = "policy pack config"


def load_pack_config(specs: list[str]) -> dict[str, dict[str, Any]]:
    """Parse `["pack=FILE", ...]` into {pack: JSON object exactly as the CLI's --policy-pack-config takes}.

    The pack is named by its pack name (`PolicyPack(name=...)`) or its directory name; both match.
    The shape is validated here (errors name the file); the schema is checked when the pack is loaded.
    """
    result: dict[str, dict[str, Any]] = {}
    for spec in specs:
        pack, sep, file = spec.partition("=")
        if not sep or not pack or not file:
            raise UsageError(f"--policy-pack-config: expected PACK=FILE, got {spec!r}")
        result[pack] = read_config_file(Path(file))
    return result


def read_config_file(path: Path) -> PackConfigFile:
    """Read and shape-check one `--policy-pack-config` JSON file (the CLI's `parsePolicyPackConfig`)."""
    from gate.inputs import check_plain, parse_json, read_text

    raw: Any = {}
    try:
        text = read_text(path, "policy pack config", 64 * 1024 * 1024)
        if text.strip():
            raw = parse_json(text, str(path))
            check_plain(raw, str(path))
    except GateError as e:
        raise UsageError(str(e)) from None
    if not isinstance(raw, dict):
        raise UsageError(f"{path}: policy pack config must be a JSON object of policy name to config")
    parse_config_object(raw, str(path))
    out = PackConfigFile(raw)
    out.source = str(path)
    return out


def parse_config_object(raw: dict[str, Any], source: str) -> dict[str, PolicyConfig]:
    """Validate the shape: each value is a level string or an object with optional `enforcementLevel`."""
    result: dict[str, PolicyConfig] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if value not in LEVELS:
                raise UsageError(f"{source}: {key}: {value!r} is not a valid enforcement level "
                                 f"({', '.join(LEVELS)})")
            result[key] = PolicyConfig(level=value)
        elif isinstance(value, dict):
            props = dict(value)
            level = props.pop("enforcementLevel", "")
            if not isinstance(level, str) or (level and level not in LEVELS):
                raise UsageError(f"{source}: {key}.enforcementLevel: {level!r} is not a valid enforcement "
                                 f"level ({', '.join(LEVELS)})")
            if level or props:
                result[key] = PolicyConfig(level=level, properties=props or None)
        else:
            raise UsageError(f"{source}: {key}: must be an enforcement level string or an object")
    return result


def normalize_initial_config(initial: dict[str, Any] | None) -> dict[str, PolicyConfig]:
    """A pack's programmatic `initial_config` as the CLI receives it through GetAnalyzerInfo.

    The proto's enforcement level is a plain enum whose zero value is ADVISORY, so an entry that gives
    only properties arrives as "advisory" and downgrades that policy in the real CLI. We mirror that
    (so both modes agree); packs must always give `enforcementLevel` alongside properties.
    """
    result: dict[str, PolicyConfig] = {}
    for key, value in (initial or {}).items():
        if isinstance(value, dict):
            props = dict(value)
            level = _level_str(props.pop("enforcementLevel", None)) or "advisory"
            result[key] = PolicyConfig(level=level, properties=props or None)
        else:
            result[key] = PolicyConfig(level=_level_str(value) or "advisory")
    return result


def _level_str(level: Any) -> str:
    value = getattr(level, "value", level)
    return value if isinstance(value, str) else ""


def reconcile(pack: str, policies: list[PolicyInfo], initial: dict[str, PolicyConfig],
              given: dict[str, PolicyConfig] | None, source: str) -> dict[str, PolicyConfig]:
    """Defaults, then initial config, then the given config; validated against each policy's schema."""
    result: dict[str, PolicyConfig] = {}
    for p in policies:
        defaults = {k: v["default"] for k, v in ((p.schema or {}).get("properties") or {}).items()
                    if isinstance(v, dict) and "default" in v}
        result[p.name] = PolicyConfig(level=p.level, properties=defaults or None)
    _apply(result, initial)
    if given:
        unknown = sorted(set(given) - set(result) - {"all"})
        if unknown:   # the CLI ignores them; a typo must not silently drop a setting
            raise UsageError(f"{source}: {unknown[0]}: no policy of that name in pack {pack}")
        _apply(result, given)
    for name, cfg in result.items():
        if cfg.level not in LEVELS:  # the CLI's Configure rejects it ("invalid enforcement level")
            raise UsageError(f"{source}: {name}: no policy of that name in pack {pack} "
                             f"(and no enforcementLevel given)")
    for p in policies:
        _known_properties(p, (given or {}).get(p.name), pack, source)
        if p.schema is None:
            continue
        props = (result.get(p.name) or PolicyConfig()).properties or {}
        schema: dict[str, Any] = {"type": "object"}
        properties = dict(p.schema.get("properties") or {})
        properties["enforcementLevel"] = {"type": "string", "enum": list(LEVELS)}
        schema["properties"] = properties
        if p.schema.get("required"):
            schema["required"] = list(p.schema["required"])
        import jsonschema  # only where a policy has a schema: not on the way to the first recording

        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(props), key=lambda e: list(e.path))
        if errors:
            err = errors[0]
            where = ".".join(str(x) for x in err.path)
            key = f"{p.name}.{where}" if where else p.name
            raise UsageError(f"{source}: policy pack {pack}: {key}: {err.message}")
    return result


def _known_properties(policy: PolicyInfo, given: PolicyConfig | None, pack: str, source: str) -> None:
    """Closed (round 16, round 15's limit): a property the config file gives that the policy's schema does
    not name is refused, as an unknown policy name is. The CLI passes it on and the rule falls back to its
    default (`allowedRegion` for `allowedRegions`). A pack's own initial config is its author's business."""
    known = set((policy.schema or {}).get("properties") or {})
    extra = sorted(set((given.properties if given else None) or {}) - known)
    if extra:
        why = (f"not a property of the policy (known: {', '.join(sorted(known))})" if known
               else "the policy takes no properties")
        raise UsageError(f"{source}: policy pack {pack}: {policy.name}.{extra[0]}: {why}")


def _apply(result: dict[str, PolicyConfig], given: dict[str, PolicyConfig]) -> None:
    """The CLI's `applyConfig`: "all" sets every level, then per-policy level and properties merge."""
    everything = given.get("all")
    if everything is not None and everything.level in LEVELS:
        for cfg in result.values():
            cfg.level = everything.level
    for name, cfg in given.items():
        current = result.setdefault(name, PolicyConfig())
        if cfg.level in LEVELS:
            current.level = cfg.level
        if cfg.properties:
            current.properties = {**(current.properties or {}), **cfg.properties}
