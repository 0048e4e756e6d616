"""Load and validate a Pulumi project (Pulumi.yaml) and its stack config files, like the CLI would.

Every problem is a GateError naming the file and key, so the CLI can print one line and exit 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.errors import GateError, UsageError

STACK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def validate_stack_name(stack: str) -> str:
    """A plain stack name: no path characters, so `<out>/<stack>.state.json` stays inside `<out>`."""
    if not isinstance(stack, str) or not STACK_NAME.fullmatch(stack) or ".." in stack:
        raise UsageError(
            f"stack {stack!r}: invalid stack name (letters, digits, '-', '_', '.'; no path characters)"
        )
    return stack


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file the way the Pulumi CLI reads it; GateError with the file and line otherwise."""
    from gate.inputs import MAX_YAML_BYTES, parse_yaml, read_text

    where = _rel(path)
    return parse_yaml(read_text(path, "YAML file", MAX_YAML_BYTES), where)


@dataclass
class Project:
    """A Pulumi project directory."""

    root: Path                       # directory holding Pulumi.yaml
    file: Path                       # the Pulumi.yaml itself
    name: str
    main_dir: Path                   # the program's directory (its working directory when it runs)
    config_dir: Path                 # where Pulumi.<stack>.yaml live (stackConfigDir)
    config_defaults: dict[str, Any] = field(default_factory=dict)   # project-level `config:` defaults
    config_types: dict[str, str] = field(default_factory=dict)      # "ns:key" -> the declared `type:`
    main_file: Path | None = None    # the file to run: main_dir/__main__.py, or `main:` naming a .py file

    def __post_init__(self) -> None:
        if self.main_file is None:
            self.main_file = self.main_dir / "__main__.py"

    def describe_main(self) -> str:
        return _rel(self.main_file)

    def stack_file(self, stack: str) -> Path:
        return self.config_dir / f"Pulumi.{validate_stack_name(stack)}.yaml"

    def stacks(self) -> list[str]:
        """Stacks with a config file in the config dir, sorted by name."""
        names = []
        for path in sorted(self.config_dir.glob("Pulumi.*.yaml")):
            stack = path.name[len("Pulumi."):-len(".yaml")]
            if STACK_NAME.fullmatch(stack):
                names.append(stack)
        return names


def load_project(program_dir: Path) -> Project:
    """Read and validate DIR/Pulumi.yaml (python runtime, `main`, `stackConfigDir`, `config`)."""
    program_dir = Path(program_dir)
    if not program_dir.is_dir():
        raise GateError(f"{_rel(program_dir)}: program directory not found")
    file = next((program_dir / n for n in ("Pulumi.yaml", "Pulumi.yml") if (program_dir / n).is_file()), None)
    if file is None:
        raise GateError(f"{_rel(program_dir / 'Pulumi.yaml')}: not found (not a Pulumi project directory)")
    doc = read_yaml(file)
    where = _rel(file)
    if not isinstance(doc, dict):
        raise GateError(f"{where}: expected a mapping with name and runtime")
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise GateError(f"{where}: name: required, a non-empty string")
    runtime = doc.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise GateError(f"{where}: runtime: gate runs Python programs only, got {runtime_name!r}")
    for key in ("plugins", "packages"):   # a local plugin binary or a (forked, parameterized) package
        if doc.get(key):
            raise GateError(f"{where}: {key}: the project brings its own provider plugins or packages, which "
                            "the engine would run instead of the ones their types stand for: what they do "
                            "cannot be judged offline (install released providers; remove the key)")
    main = doc.get("main", ".")
    if not isinstance(main, str):
        raise GateError(f"{where}: main: expected a path string, got {type(main).__name__}")
    root = program_dir.resolve()
    main_path = _inside(root, main, "main", where)
    if main_path.is_file() and main_path.suffix == ".py":
        main_dir, main_file = main_path.parent, main_path
    elif main_path.is_dir():
        main_dir, main_file = main_path, main_path / "__main__.py"
        if not main_file.is_file():
            raise GateError(f"{where}: main: no __main__.py in {main!r}")
    else:
        raise GateError(f"{where}: main: {main!r} not found (a directory with __main__.py or a .py file)")
    config_dir_value = doc.get("stackConfigDir", ".")
    if not isinstance(config_dir_value, str):
        raise GateError(f"{where}: stackConfigDir: expected a path string")
    config_dir = _inside(root, config_dir_value, "stackConfigDir", where)
    if not config_dir.is_dir():
        raise GateError(f"{where}: stackConfigDir: directory {config_dir_value!r} not found")
    defaults, types = _project_defaults(doc.get("config"), name, where)
    return Project(
        root=root, file=file, name=name, main_dir=main_dir, main_file=main_file,
        config_dir=config_dir, config_defaults=defaults, config_types=types,
    )


def _inside(root: Path, value: str, key: str, where: str) -> Path:
    """A path `Pulumi.yaml` names, resolved; outside the project it is refused: what the gate would read
    there is no part of the program it judges (its digest, cache key and review), nor what CI checks out."""
    path = (root / value).resolve()
    if path != root and root not in path.parents:
        raise GateError(f"{where}: {key}: {value!r} is outside the project directory: the program and its "
                        "stack config must live in the project (move them in, or run the gate on the "
                        "directory that holds them)")
    return path


# Pulumi's project config types and what a YAML value of each is (a bool is no integer here, as for the CLI).
_TYPES = {"string": (str,), "integer": (int,), "boolean": (bool,), "array": (list,), "object": (dict,)}


def _typed(value: Any, declared: str | None, where: str, key: str) -> None:
    """A value of the type the project declares for `key` (round 18): the CLI refuses the others, and a
    program reading `3` where it declared text would be judged on a config `pulumi up` never runs with."""
    if declared is None or (isinstance(value, dict) and set(value) == {"secure"}):
        return
    ok = isinstance(value, _TYPES[declared]) and not (declared == "integer" and isinstance(value, bool))
    if not ok:
        # the type, never the value: a mistyped value may still be a secret (a PIN given as a number)
        raise GateError(f"{where}: {key}: Pulumi.yaml declares type {declared}, got a value of type "
                        f"{type(value).__name__} (quote text, leave numbers and booleans bare)")


def _project_defaults(config: Any, project: str, where: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Project-level `config:` in Pulumi.yaml: `key: value` or `key: {type, default, ...}` -> (defaults,
    declared types)."""
    if config is None:
        return {}, {}
    if not isinstance(config, dict):
        raise GateError(f"{where}: config: expected a mapping")
    out: dict[str, Any] = {}
    types: dict[str, str] = {}
    for key, value in config.items():
        full = key if ":" in str(key) else f"{project}:{key}"
        declared = value.get("type") if isinstance(value, dict) else None
        if declared is not None:
            if declared not in _TYPES:
                raise GateError(f"{where}: config: {full}: type {declared!r} is not one of "
                                f"{', '.join(_TYPES)}")
            types[full] = declared
        if isinstance(value, dict) and ("default" in value or "value" in value):
            out[full] = value.get("value", value.get("default"))
            _typed(out[full], declared, where, full)
        elif isinstance(value, dict) and "type" in value:
            continue   # a declared key without default
        else:
            out[full] = value
    return out, types


def load_stack_config(project: Project, stack: str) -> dict[str, Any]:
    """Validated stack config ("ns:key" -> value) for `stack`: project defaults overlaid by the stack file."""
    path = project.stack_file(stack)
    if not path.is_file():
        known = ", ".join(project.stacks()) or "none"
        raise GateError(f"{_rel(path)}: no config file for stack {stack!r} (unknown stack; known: {known})")
    doc = read_yaml(path)
    where = _rel(path)
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise GateError(f"{where}: expected a mapping with a 'config' key")
    if doc.get("environment"):   # Pulumi ESC: config, provider settings and env vars from outside the repo
        raise GateError(f"{where}: environment: the stack imports ESC environments, whose config and "
                        "environment variables the gate cannot read offline; put the values in the stack "
                        "config file to have them judged")
    config = doc.get("config", {})
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise GateError(f"{where}: config: expected a mapping of keys to values, got {type(config).__name__}")
    out = dict(project.config_defaults)
    for key, value in config.items():
        if not isinstance(key, str) or key.count(":") > 1 or key.startswith(":") or key.endswith(":"):
            raise GateError(f"{where}: config: {key!r}: keys are '<namespace>:<name>' or '<name>'")
        full = key if ":" in key else f"{project.name}:{key}"
        if value is None:
            raise GateError(f"{where}: {full}: empty value")
        if isinstance(value, dict) and "secure" in value and not (
            set(value) == {"secure"} and isinstance(value["secure"], str)
        ):
            raise GateError(f"{where}: {full}: a secure value is {{secure: <ciphertext>}}")
        _typed(value, project.config_types.get(full), where, full)
        out[full] = value
    return out
