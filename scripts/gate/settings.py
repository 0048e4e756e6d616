"""The gate's settings: the `[tool.gate]` table of a pyproject.toml, then profiles, then flags.

The engine knows Pulumi, not any one project: which packs judge a program, their configs, where the
program's compliance records live and how checkov waivers are read all come from here. Paths are
relative to the pyproject.toml that names them. Every problem is a UsageError naming the file and key
(exit 2 before any work).

    [tool.gate]
    packs = ["policies/eu_residency", "policies/pia_conditions"]   # default: every pack under policies/
    records = "stacks/records"          # given to the packs as GATE_RECORDS_DIR ("" = none)
    checkov = true
    jobs = 2
    out = ".gate"
    checkov-waivers = "module:function" # (stack, on) -> object with .waivers (rule, resource, ...)
    checkov-triage = "module:function"  # (stack) -> decisions on advisory findings (check, covers, ...)
    invoke-fixtures = "fixtures.yaml"   # answers to invokes for every stack (gate.invokes)
    record-update = true                # also record as an update and judge that graph (gate.dual)
    recorder = "inprocess"              # or "process": the record is kept out of the program's process
    [tool.gate.pack-config]             # pack name -> JSON file, as `--policy-pack-config PACK=FILE`
    eu-residency = "policies/config/eu-residency.json"
    [tool.gate.profiles.generic]        # `--profile generic`: any key above, replacing the base value
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gate.errors import UsageError

KEYS = ("packs", "pack-config", "records", "checkov", "jobs", "out", "checkov-waivers", "checkov-triage",
        "invoke-fixtures", "record-update", "recorder", "profiles")


RECORDERS = ("inprocess", "process")


@dataclass(frozen=True)
class Settings:
    """Resolved settings (absolute paths); `source` names where they came from, for notes and the manifest."""

    source: str = "defaults"
    profile: str = ""
    packs: tuple[Path, ...] = ()
    pack_config: dict[str, Path] = field(default_factory=dict)
    records: Path | None = None
    checkov: bool = True
    jobs: int = 2
    out: Path | None = None
    checkov_waivers: str = ""
    checkov_triage: str = ""
    invoke_fixtures: Path | None = None
    record_update: bool = True        # record the program a second time as an update (gate.dual)
    recorder: str = "inprocess"       # where the record is kept: "inprocess" or "process" (gate.relay)

    def pack_config_specs(self) -> list[str]:
        """`PACK=FILE` strings in pack order, as `--policy-pack-config` takes them."""
        return [f"{pack}={path}" for pack, path in sorted(self.pack_config.items())]

    def to_json(self) -> dict[str, Any]:
        """What the manifest and the JSON report record about the settings in force."""
        return {
            "source": self.source, "profile": self.profile, "packs": [str(p) for p in self.packs],
            "pack_config": {k: str(v) for k, v in sorted(self.pack_config.items())},
            "records": str(self.records) if self.records else None, "checkov": self.checkov,
            "jobs": self.jobs,
        }


def find_table(directory: Path) -> tuple[Path, dict[str, Any]] | None:
    """`directory/pyproject.toml` and its `[tool.gate]` table, or None when it has none."""
    path = directory / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}{_at_line(text, str(exc))}") from None
    table = data.get("tool", {}).get("gate")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise UsageError(f"{path}: tool.gate: must be a table")
    return path, table


def _at_line(text: str, message: str) -> str:
    """The line a TOML error points at, so the message names the key (tomllib gives only its number)."""
    found = re.search(r"at line (\d+)", message)
    lines = text.splitlines()
    if found is None or not 0 < int(found[1]) <= len(lines):
        return ""
    return f": {lines[int(found[1]) - 1].strip()[:80]!r}"


def load(directories: list[Path], profile: str = "") -> Settings:
    """Settings of the first of `directories` whose pyproject.toml has `[tool.gate]`, `profile` on top."""
    for directory in directories:
        found = find_table(directory)
        if found is not None:
            return from_table(*found, profile=profile)
    if profile:
        raise UsageError(f"--profile {profile}: no [tool.gate] table in "
                         f"{', '.join(str(d / 'pyproject.toml') for d in directories)}")
    return Settings()


def from_table(path: Path, table: dict[str, Any], profile: str = "") -> Settings:
    """Validate `[tool.gate]` (and `[tool.gate.profiles.<profile>]` over it)."""
    base = path.parent
    settings = _apply(Settings(source=str(path)), table, base, f"{path}: tool.gate")
    if not profile:
        return settings
    profiles = table.get("profiles") or {}
    if not isinstance(profiles, dict) or not isinstance(profiles.get(profile), dict):
        known = ", ".join(sorted(profiles)) if isinstance(profiles, dict) else ""
        raise UsageError(f"{path}: tool.gate.profiles.{profile}: no such profile"
                         + (f" (known: {known})" if known else ""))
    return _apply(replace(settings, profile=profile), profiles[profile], base,
                  f"{path}: tool.gate.profiles.{profile}")


def _apply(settings: Settings, table: dict[str, Any], base: Path, where: str) -> Settings:
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise UsageError(f"{where}.{unknown[0]}: unknown setting (known: {', '.join(KEYS)})")
    changes: dict[str, Any] = {}
    if "packs" in table:
        packs = _strings(table["packs"], f"{where}.packs")
        changes["packs"] = tuple(_path(base, p, f"{where}.packs", is_dir=True) for p in packs)
    if "pack-config" in table:
        raw = table["pack-config"]
        if not isinstance(raw, dict):
            raise UsageError(f"{where}.pack-config: must be a table of pack name = JSON file")
        changes["pack_config"] = {
            str(k): _path(base, _string(v, f"{where}.pack-config.{k}"), f"{where}.pack-config.{k}")
            for k, v in raw.items()
        }
    if "records" in table:
        records = _string(table["records"], f"{where}.records", empty=True)
        changes["records"] = _path(base, records, f"{where}.records", is_dir=True) if records else None
    for key, attr in (("checkov", "checkov"), ("record-update", "record_update")):
        if key in table:
            if not isinstance(table[key], bool):
                raise UsageError(f"{where}.{key}: must be true or false")
            changes[attr] = table[key]
    if "recorder" in table:
        if table["recorder"] not in RECORDERS:
            raise UsageError(f"{where}.recorder: must be one of {', '.join(RECORDERS)}")
        changes["recorder"] = table["recorder"]
    if "jobs" in table:
        jobs = table["jobs"]
        if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
            raise UsageError(f"{where}.jobs: must be a positive integer")
        changes["jobs"] = jobs
    if "out" in table:
        changes["out"] = base / _string(table["out"], f"{where}.out")
    for key in ("checkov-waivers", "checkov-triage"):
        if key in table:
            hook = _string(table[key], f"{where}.{key}", empty=True)
            if hook and ":" not in hook:
                raise UsageError(f"{where}.{key}: expected \"module:function\", got {hook!r}")
            changes[key.replace("-", "_")] = hook
    if "invoke-fixtures" in table:
        fixtures = _string(table["invoke-fixtures"], f"{where}.invoke-fixtures", empty=True)
        changes["invoke_fixtures"] = _path(base, fixtures, f"{where}.invoke-fixtures") if fixtures else None
    return replace(settings, **changes)


MAX_SETTING = 4096   # a path or a hook name; longer is no setting anyone wrote (PATH_MAX)


def _string(value: Any, where: str, empty: bool = False) -> str:
    if not isinstance(value, str) or (not value and not empty):
        raise UsageError(f"{where}: must be a {'' if empty else 'non-empty '}string")
    if len(value) > MAX_SETTING or any(c in value for c in "\0\n\r"):
        raise UsageError(f"{where}: must be one line of at most {MAX_SETTING} characters, without NUL")
    return value


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise UsageError(f"{where}: must be a list of non-empty strings")
    return [_string(v, f"{where}[{i}]") for i, v in enumerate(value)]


def _path(base: Path, value: str, where: str, is_dir: bool = False) -> Path:
    path = (base / value).resolve()
    if is_dir and not path.is_dir():
        raise UsageError(f"{where}: {value}: directory not found")
    if not is_dir and not path.is_file():
        raise UsageError(f"{where}: {value}: file not found")
    return path


def with_flags(settings: Settings, *, packs: list[Path] | None = None, pack_config: list[str] | None = None,
               no_checkov: bool = False, jobs: int | None = None, records: Path | None = None,
               invoke_fixtures: Path | None = None, recorder: str | None = None) -> Settings:
    """Flags override settings: packs replace (and drop the settings' pack configs, which name other
    packs), `PACK=FILE` configs replace that pack's file."""
    changes: dict[str, Any] = {}
    if packs:
        changes["packs"] = tuple(p.resolve() for p in packs)
        changes["pack_config"] = {}
    if pack_config:
        merged = dict(changes.get("pack_config", settings.pack_config))
        for spec in pack_config:
            name, sep, file = spec.partition("=")
            if not sep or not name or not file:
                raise UsageError(f"--policy-pack-config {spec!r}: expected PACK=FILE")
            merged[name] = Path(file).resolve()
        changes["pack_config"] = merged
    if no_checkov:
        changes["checkov"] = False
    if recorder:
        changes["recorder"] = recorder
    if jobs is not None:
        changes["jobs"] = jobs
    if records is not None:
        if not records.is_dir():
            raise UsageError(f"--records {records}: directory not found")
        changes["records"] = records.resolve()
    if invoke_fixtures is not None:
        if not invoke_fixtures.is_file():
            raise UsageError(f"--invoke-fixtures {invoke_fixtures}: file not found")
        changes["invoke_fixtures"] = invoke_fixtures.resolve()
    return replace(settings, **changes)
