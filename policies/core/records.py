"""Compliance records kept as versioned data: per-stack PIA records and waivers.

Layout: `stacks/records/pia/<stack>.yaml` and `stacks/records/waivers/<stack>.yaml` in the repository
(override the `records` directory with env DOSIS_RECORDS_DIR). Records are read once per file content
and stack (a pack evaluates thousands of resources per second; one `stat`, no file read, per use).

Records are judged on an evaluation date: today (UTC) unless `GATE_AS_OF=YYYY-MM-DD` is set, as the gate
does for `--as-of` and the test suite does to stay independent of the calendar.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policies.core import yaml_text
from policies.core.file_stamps import Stamp, stamp
from policies.core.record_files import record_text

REPO_ROOT = Path(__file__).resolve().parents[2]

# D36 §101: the PIA action points that must be implemented before hosting on Azure (D36 §102, §132);
# D36 §115/§133: the Facilitair Bedrijf building blocks that must be in place on AWS.
ACTION_POINTS: dict[str, str] = {
    "identity-management-separation": "D36 §101 (3rd)",
    "two-factor-authentication": "D36 §101 (4th)",
    "security-settings-separation": "D36 §101 (5th)",
    "siem": "D36 §101 (6th)",
    "residual-risk-accepted": "D36 §101 (7th)",
}
AWS_BUILDING_BLOCKS: dict[str, str] = {
    "access-management": "D36 §133",
    "encryption-at-rest": "D36 §133",
    "privileged-access-management": "D36 §133",
    "information-classification": "D36 §133",
}
PLATFORMS = ("azure", "aws", "azure+aws")
CLASSIFICATIONS = ("publiek", "intern", "vertrouwelijk", "strikt-vertrouwelijk")
# Our rule ids (kebab-case) and checkov check ids: one waiver file serves both.
_RULE_ID = re.compile(r"^([a-z0-9]+(-[a-z0-9]+)+|CKV2?_[A-Z0-9]+_[0-9]+)$")


AS_OF_ENV = "GATE_AS_OF"
# A waiver is a decision that must be taken again at least yearly (issue: no 9999-12-31 waivers).
WAIVER_HORIZON_MONTHS = 12
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RecordsError(ValueError):
    """A record setting that cannot be judged (e.g. a malformed evaluation date)."""


def parse_iso_date(text: str, what: str) -> dt.date:
    """A strict YYYY-MM-DD date; anything else raises RecordsError naming `what`."""
    if isinstance(text, str) and _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise RecordsError(f"{what}: {text!r} is not a date (YYYY-MM-DD)")


def evaluation_date() -> dt.date:
    """The date records are judged on: GATE_AS_OF if set, else today in UTC.

    Records expire at the end of their expiry day. A malformed GATE_AS_OF raises, so a policy that
    depends on the date fails closed instead of silently using another day.
    """
    raw = os.environ.get(AS_OF_ENV, "")
    if raw:
        return parse_iso_date(raw, AS_OF_ENV)
    return dt.datetime.now(dt.UTC).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, clamped to the month's last day (2024-02-29 + 12 -> 2025-02-28)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def current_stack() -> str:
    """The stack being judged: PULUMI_STACK as the CLI and the gate set it."""
    stack = os.environ.get("PULUMI_STACK", "")
    if not stack:
        try:
            import pulumi

            stack = pulumi.get_stack()
        except Exception:
            stack = ""
    return stack


_DEFAULT_RECORDS = str(REPO_ROOT / "stacks" / "records")


def records_dir() -> Path:
    """`stacks/records` of this repository, or DOSIS_RECORDS_DIR."""
    return Path(_records_dir())


def _records_dir() -> str:
    # GATE_RECORDS_DIR: what the gate passes from `[tool.gate] records` (or --records); an explicit
    # DOSIS_RECORDS_DIR in the environment wins, as a flag wins over settings.
    return os.environ.get("DOSIS_RECORDS_DIR") or os.environ.get("GATE_RECORDS_DIR") or _DEFAULT_RECORDS


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _read_yaml(path: Path) -> tuple[Any, str | None]:
    """(data, error); a missing file is (None, None). A record of another directory (the export's) is kept
    to its own directory."""
    root = Path(os.path.abspath(records_dir()))
    text, error = record_text(path, root if Path(os.path.abspath(path)).is_relative_to(root) else path.parent)
    if text is None:
        return None, error
    try:
        return yaml_text.safe_load(text), None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        if isinstance(e, yaml.constructor.ConstructorError) and mark is not None:   # a key twice, a tag
            line = text.splitlines()[mark.line].strip() if mark.line < len(text.splitlines()) else ""
            where += f": {e.problem} ({line[:80]!r})"
        return None, f"{path}: not valid YAML{where}"


def read_record(path: Path) -> tuple[Any, str | None]:
    """_read_yaml of a stack's waiver or PIA record, parsed once per content: the pack's shape check and the
    rules' reader share it (round 22: a tiled stack's 1.4 MB waivers were parsed there and again in each
    evaluation process). Callers only read what it returns."""
    return _record_doc(str(path), _records_dir(), stamp(path))


@functools.lru_cache(maxsize=8)
def _record_doc(path: str, _root: str, _file: Stamp) -> tuple[Any, str | None]:
    return _read_yaml(Path(path))


# ---------------------------------------------------------------- waivers


@dataclass(frozen=True)
class Waiver:
    """A time-boxed, owned exception for one rule on one resource, named by its exact URN."""

    rule: str
    """Rule id (or checkov check id) the waiver applies to."""
    resource: str
    """URN of the waived resource (the URN carries its type, so no other resource can match)."""
    reason: str
    """Why (>= 20 characters)."""
    owner: str
    """Who answers for it."""
    decided: dt.date
    """When the owner took the decision; the expiry lies at most WAIVER_HORIZON_MONTHS after it."""
    expires: dt.date
    """Last day the waiver holds."""

    def prefix(self) -> str:
        """The message prefix the gate parses into a waiver (see gate.findings)."""
        return f"[waived: {self.rule} until {self.expires.isoformat()}, owner {self.owner}] "


@dataclass(frozen=True)
class WaiverSet:
    """The valid waivers of a stack, indexed for lookups, and the problems of the invalid ones."""

    path: str
    waivers: tuple[Waiver, ...]
    problems: tuple[str, ...]

    @functools.cached_property
    def _index(self) -> dict[tuple[str, str], Waiver]:
        return {(w.rule, w.resource): w for w in self.waivers}

    @functools.cached_property
    def resources(self) -> frozenset[str]:
        return frozenset(w.resource for w in self.waivers)

    def find(self, rule: str, urn: str) -> Waiver | None:
        """The valid waiver for `rule` on the resource with exactly this URN."""
        if not self.waivers:
            return None
        return self._index.get((rule, urn))


_WAIVER_KEYS = ("rule", "resource", "reason", "owner", "decided", "expires")


def _waiver_problem(e: dict[str, Any], where: str, stack: str, on: dt.date) -> str | Waiver:
    """The Waiver an entry makes, or the one problem that keeps it from being one."""
    missing = [k for k in _WAIVER_KEYS if not e.get(k)]
    if missing:
        return f"{where}: missing {', '.join(missing)}"
    rule, resource, reason, owner = (str(e[k]).strip() for k in ("rule", "resource", "reason", "owner"))
    decided, expires = _as_date(e["decided"]), _as_date(e["expires"])
    head = resource.split("::", 1)[0]
    urn_stack = head[len("urn:pulumi:"):] if head.startswith("urn:pulumi:") else None
    if not _RULE_ID.match(rule):
        return f"{where}.rule: {rule!r} is not a rule id"
    if urn_stack is None or resource.count("::") < 3:
        return (f"{where}.resource: {resource!r} is not a URN; name the waived resource by its exact URN "
                "(urn:pulumi:<stack>::<project>::<type>::<name>, as the gate report shows it)")
    if stack and urn_stack != stack:
        return f"{where}.resource: the URN belongs to stack {urn_stack!r}, not {stack!r}"
    if len(reason) < 20:
        return f"{where}.reason: must explain the exception in at least 20 characters"
    if decided is None:
        return f"{where}.decided: {e['decided']!r} is not a date (YYYY-MM-DD)"
    if expires is None:
        return f"{where}.expires: {e['expires']!r} is not a date (YYYY-MM-DD)"
    if decided > on:
        return f"{where}.decided: {decided.isoformat()} lies after the evaluation date {on.isoformat()}"
    horizon = add_months(decided, WAIVER_HORIZON_MONTHS)
    if expires > horizon:
        return (f"{where}.expires: {expires.isoformat()} lies more than {WAIVER_HORIZON_MONTHS} months "
                f"after the decision of {decided.isoformat()} (at most {horizon.isoformat()}); "
                "decide again instead")
    if expires < on:
        return f"{where}: waiver of {rule} for {resource} expired on {expires.isoformat()}"
    return Waiver(rule, resource, reason, owner, decided, expires)


def parse_waivers(data: Any, path: str, on: dt.date, stack: str = "") -> WaiverSet:
    """Validate a waiver document; invalid or expired entries become problems (never waivers)."""
    problems: list[str] = []
    valid: list[Waiver] = []
    if data is None:
        return WaiverSet(path, (), ())
    entries = data.get("waivers") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return WaiverSet(path, (), (f"{path}: waivers: must be a list of waiver records",))
    for i, e in enumerate(entries):
        where = f"{path}: waivers[{i}]"
        if not isinstance(e, dict):
            problems.append(f"{where}: must be a mapping with {', '.join(_WAIVER_KEYS)}")
            continue
        made = _waiver_problem(e, where, stack, on)
        if isinstance(made, Waiver):
            valid.append(made)
        else:
            problems.append(made)
    return WaiverSet(path, tuple(valid), tuple(problems))


@functools.lru_cache(maxsize=32)
def _waivers_cached(directory: str, stack: str, on: dt.date, _file: Stamp) -> WaiverSet:
    path = Path(directory) / "waivers" / f"{stack}.yaml"
    shown = _shown(path)
    data, error = read_record(path)
    if error:
        return WaiverSet(shown, (), (error.replace(str(path), shown),))
    return parse_waivers(data, shown, on, stack)


def load_waivers(stack: str | None = None, on: dt.date | None = None) -> WaiverSet:
    """The waivers of `stack` (default: the current stack) on `on` (default: the evaluation date)."""
    directory, stack = _records_dir(), stack if stack is not None else current_stack()
    return _waivers_cached(directory, stack, on or evaluation_date(),
                           stamp(Path(directory) / "waivers" / f"{stack}.yaml"))


# ---------------------------------------------------------------- PIA records


@dataclass(frozen=True)
class PiaStatus:
    """Whether the stack's PIA preconditions hold (D36 §102, §132) and, if not, why."""

    path: str
    reference: str
    classification: str
    problems: tuple[str, ...]
    accepted_by: str = ""
    """Who accepted the residual risk (the owner of its renewal)."""
    acceptance_expires: dt.date | None = None
    """Last day the residual-risk acceptance holds."""

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_pia(data: Any, path: str, on: dt.date) -> PiaStatus:
    """Validate a PIA record: reference, classification, action points, residual-risk acceptance."""
    if data is None:
        return PiaStatus(path, "", "", (f"{path}: no PIA record for this stack",))
    if not isinstance(data, dict):
        return PiaStatus(path, "", "", (f"{path}: must be a mapping",))
    problems: list[str] = []
    reference = data.get("reference")
    if not isinstance(reference, str) or not reference.strip():
        problems.append(f"{path}: reference: missing")
        reference = ""
    classification = data.get("classification")
    if classification not in CLASSIFICATIONS:
        problems.append(f"{path}: classification: must be one of {', '.join(CLASSIFICATIONS)}")
        classification = ""
    platform = data.get("platform")
    if platform not in PLATFORMS:
        problems.append(f"{path}: platform: must be one of {', '.join(PLATFORMS)}")
    required = dict(ACTION_POINTS)
    if platform in ("aws", "azure+aws"):
        required.update(AWS_BUILDING_BLOCKS)
    points = data.get("action_points")
    if not isinstance(points, dict):
        problems.append(f"{path}: action_points: must map action point ids to their status")
        points = {}
    for point, paragraph in required.items():
        entry = points.get(point)
        status = entry.get("status") if isinstance(entry, dict) else entry
        if status != "implemented":
            problems.append(
                f"{path}: action_points.{point}: {paragraph} is not implemented (status {status!r})"
            )
    risk = data.get("residual_risk")
    accepted_by, expires = "", None
    if not isinstance(risk, dict):
        problems.append(
            f"{path}: residual_risk: acceptance by the leading official is missing (D36 §101 7th)"
        )
    else:
        accepted_by = risk.get("accepted_by") if isinstance(risk.get("accepted_by"), str) else ""
        if not accepted_by.strip():
            problems.append(f"{path}: residual_risk.accepted_by: name of the leading official is missing")
        accepted = _as_date(risk.get("accepted_on"))
        expires = _as_date(risk.get("expires"))
        if accepted is None:
            problems.append(f"{path}: residual_risk.accepted_on: not a date (YYYY-MM-DD)")
        elif accepted > on:
            problems.append(f"{path}: residual_risk.accepted_on: {accepted.isoformat()} lies in the future")
        if expires is None:
            problems.append(f"{path}: residual_risk.expires: not a date (YYYY-MM-DD)")
        elif expires < on:
            problems.append(f"{path}: residual_risk.expires: acceptance expired on {expires.isoformat()}")
    return PiaStatus(path, str(reference), str(classification), tuple(problems), accepted_by.strip(), expires)


@functools.lru_cache(maxsize=32)
def _pia_cached(directory: str, stack: str, on: dt.date, _file: Stamp) -> PiaStatus:
    path = Path(directory) / "pia" / f"{stack}.yaml"
    shown = _shown(path)
    data, error = read_record(path)
    if error:
        return PiaStatus(shown, "", "", (error.replace(str(path), shown),))
    return parse_pia(data, shown, on)


def load_pia(stack: str | None = None, on: dt.date | None = None) -> PiaStatus:
    """The PIA status of `stack` (default: the current stack) on `on` (default: the evaluation date)."""
    directory, stack = _records_dir(), stack if stack is not None else current_stack()
    return _pia_cached(directory, stack, on or evaluation_date(),
                       stamp(Path(directory) / "pia" / f"{stack}.yaml"))


def clear_cache() -> None:
    """Forget records read so far (tests; a long-lived process after records changed)."""
    _waivers_cached.cache_clear()
    _pia_cached.cache_clear()


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
