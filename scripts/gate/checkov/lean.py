"""What the slim replay (slim.py) imports and loads less than ``checkov.main``, proven not to reach a result.

Three kinds of modules checkov imports are never run by the gate's scans, yet cost a third of a driver's
imports, so a driver that replays (`install`, before checkov is imported) stands them in:

- the Terraform resource checks of providers other than AWS (``checkov.terraform.checks.resource.gcp``,
  ``.azure``, ...: ~580 modules): the gate's plans hold only ``aws_*`` types (``data/aws_types.json``),
  and checkov runs a resource check only on the types it registered for. That no check of these
  packages applies to any type of the table is tested, type by type, against the full registry
  (tests/checkov/test_checkov_lean.py), for the pinned release (slim.REPLAYS);
- the SBOM writers ``checkov.common.output.spdx`` and ``.cyclonedx``, which `RunnerRegistry` imports for
  its ``-o spdx|cyclonedx`` printing; the replay never prints;
- ``aiohttp``, ``docker``, ``boto3`` and ``git`` (GitPython), which checkov uses only to talk to its
  platform (uploads with a key, SCA), to inspect container images (the image referencer, off unless a
  run asks for SCA images), to reach the platform's S3 bucket (with a key) and to clone Terraform modules
  or read a repository's history for secrets: the replay has no key, downloads nothing, scans neither.

A provider stand-in is an empty package (its checks are not registered); the others refuse any use: a
name taken from them raises `StoodIn`, which is no `Exception`, so no ``except Exception`` in checkov
can swallow it: the scan fails, never a silent difference. A driver whose scan does not take the replay
(a config file or a variable changes the run) scans in a fresh interpreter without stand-ins (driver.py).

Also `preload_graph_checks`: the graph checks' definitions (JSON files) parsed once in the driver instead
of once per scan in each fork (checkov's registry skips loading when it already holds them).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import types
from typing import Any

_RESOURCE = "checkov.terraform.checks.resource."
# the provider packages `checkov.terraform.checks.resource` imports (checkov 3.3.30), but for aws
PROVIDERS = ("gcp", "azure", "github", "gitlab", "linode", "oci", "openstack", "panos", "digitalocean",
             "alicloud", "kubernetes", "yandexcloud", "ncp", "tencentcloud")
# module -> the classes it is imported for at checkov's import time (each refuses to be made)
OUTPUTS = {"checkov.common.output.spdx": ("SPDX",), "checkov.common.output.cyclonedx": ("CycloneDX",),
           "git": ("Repo", "Tree")}
REFUSING = ("aiohttp", "docker", "boto3", "git")
STOOD_IN = frozenset({_RESOURCE + p for p in PROVIDERS} | set(OUTPUTS) | set(REFUSING))
_PARENTS = tuple(f"{name}." for name in sorted(STOOD_IN))


class StoodIn(BaseException):
    """A stood-in module was used: the scan ends (a BaseException: checkov's handlers do not take it)."""


def _refuse(name: str) -> None:
    raise StoodIn(f"gate checkov driver: {name} is not loaded in the slim replay")


class _Refused(type):
    """The type of a stood-in class: its attributes (``Repo.clone_from``) refuse too."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        _refuse(f"{cls.__name__}.{name}")


def _unused(name: str) -> type:
    """A class that refuses to be made or used."""
    return _Refused(name, (), {"__init__": lambda *_, **__: _refuse(name)})


def _refusing(module: str) -> Any:
    """A module's `__getattr__`: dunder names are absent (as the import system and `inspect` expect),
    any other name refuses."""
    def get(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        _refuse(f"{module}.{name}")
    return get


class _StandIns(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the modules of STOOD_IN first and makes each an empty module."""

    def find_spec(self, name: str, path: Any = None,
                  target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name.startswith(_PARENTS):   # a submodule (`docker.errors`): no ImportError to fall back on
            _refuse(name)
        # a package (as each real one is, bar the SBOM writers): a submodule is then looked up here
        return importlib.machinery.ModuleSpec(name, self, is_package=True) if name in STOOD_IN else None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        module.__all__ = []    # `from <provider package> import *` registers nothing
        for name in OUTPUTS.get(module.__name__, ()):
            setattr(module, name, _unused(name))
        if module.__name__ in REFUSING:
            module.__getattr__ = _refusing(module.__name__)  # type: ignore[method-assign]


def install() -> None:
    """Stand the modules in (before checkov is imported; once)."""
    loaded = STOOD_IN & set(sys.modules)
    if loaded:
        raise RuntimeError(f"gate checkov driver: already imported: {sorted(loaded)}")
    if not any(isinstance(f, _StandIns) for f in sys.meta_path):
        sys.meta_path.insert(0, _StandIns())


def installed() -> bool:
    return any(isinstance(f, _StandIns) for f in sys.meta_path)


class ChecksIncomplete(BaseException):
    """A graph check checkov could not parse: no `Exception`, so the registry's ``except Exception``,
    which skips such a check with a warning, cannot swallow it (the driver ends, the scan fails)."""


def preload_graph_checks(check_types: tuple[str, ...] = ("terraform", "arm")) -> None:
    """Parse the built-in graph checks of the registries the replay's runners take (the Terraform plan
    runner takes checkov's ``terraform`` one) before the driver forks its scans.

    checkov skips a check whose definition fails to parse, or is no valid check, with a log line below
    the driver's level: under a low address-space limit (round 24) MemoryError dropped graph checks one
    by one, for minutes, and the scans ran without them. The first failure ends the driver; and every
    definition file must give its check."""
    from checkov.common.checks_infra.registry import CHECKS_POSSIBLE_ENDING, get_graph_checks_registry

    for check_type in check_types:
        registry = get_graph_checks_registry(check_type)
        parse = registry.parser.parse_raw_check

        def strict(*args: Any, _parse: Any = parse, _type: str = check_type, **kwargs: Any) -> Any:
            try:
                return _parse(*args, **kwargs)
            except Exception as exc:
                raise ChecksIncomplete(f"checkov could not parse a {_type} graph check: {exc!r}") from exc

        registry.parser.parse_raw_check = strict
        try:
            registry.load_checks()
        finally:
            registry.parser.parse_raw_check = parse
        files = [name for _, _, names in os.walk(registry.checks_dir) for name in names
                 if os.path.splitext(name)[1] in CHECKS_POSSIBLE_ENDING]
        if len(registry.checks) < len(files):
            raise ChecksIncomplete(f"checkov loaded {len(registry.checks)} of the {len(files)} {check_type} "
                                   "graph checks")
