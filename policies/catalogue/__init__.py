"""The controls catalogue: requirement lines of the legal digest as controls, with sources and clauses.

Each control lists its clauses: the distinct obligations of its quoted sentence. Each clause names the
means that establish it (a rule and which of its findings, a checkov check, a component default, a live
check, a record, or an organisational measure with the evidence to ask for), so the evidence export can
say per clause what was checked, on how many resources, and what was not.

`load_catalogue()` reads policies/catalogue/controls.yaml, validates it against a JSON schema and checks
that every rule it names exists and that its resource types resolve; errors name the file and the key.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import jsonschema
import yaml

from policies.catalogue.schema import RECORD_KINDS as RECORD_KINDS  # re-exported: the kinds a record may be
from policies.catalogue.schema import SCHEMA
from policies.core import yaml_text

CATALOGUE_FILE = Path(__file__).with_name("controls.yaml")

MeansKind = Literal["rule", "checkov", "component", "live", "record", "organisational"]


ALL_TYPES = frozenset({"*"})
"""`@all`: every custom resource of the stack (providers and the stack resource excluded)."""


class CatalogueError(ValueError):
    """The catalogue file is invalid (message names file and key)."""


@dataclass(frozen=True)
class Source:
    """Where a control comes from: the seed document, its paragraph and a verbatim quote."""

    doc: str
    paragraph: str
    seed_file: str
    quote: str


@dataclass(frozen=True)
class Means:
    """One way a clause is established; `kind` says which of the fields below are set."""

    kind: MeansKind
    ref: str
    """Rule id, checkov id, component class path, live check id, record kind, or the evidence to ask for."""
    types: frozenset[str] | None = None
    """Resource types the means applies to (rule, component); None = the rule's own resource types."""
    messages: str = ""
    """Regex over finding messages: which findings of the rule are about this clause ("" = all)."""
    property: str = ""
    """Component default: the dotted input path the component sets ..."""
    equals: Any = None
    """... and the value it sets it to."""
    pending: str = ""
    """A rule that is planned but not in the library yet: why (the clause reads not verified until then)."""

    def describe(self) -> str:
        """One line for the report: how this means establishes its clause."""
        if self.kind == "rule":
            what = f" (findings matching /{self.messages}/)" if self.messages else ""
            return f"rule {self.ref}{what}" + (f" — planned: {self.pending}" if self.pending else "")
        if self.kind == "component":
            return f"component default {self.ref.rsplit('.', 1)[-1]}: {self.property} = {self.equals!r}"
        if self.kind == "organisational":
            return f"organisational — ask for: {self.ref}"
        return f"{self.kind} {self.ref}"


@dataclass(frozen=True)
class Clause:
    """One distinct obligation of a control's legal sentence and the means that establish it."""

    id: str
    text: str
    means: tuple[Means, ...]

    @property
    def organisational(self) -> bool:
        return all(m.kind == "organisational" for m in self.means)


@dataclass(frozen=True)
class Control:
    """One requirement of the legal digest, its clauses and what evidences it."""

    id: str
    title: str
    statement: str
    kind: str
    sources: tuple[Source, ...]
    gdpr: tuple[str, ...]
    clauses: tuple[Clause, ...]
    components: tuple[str, ...]
    checkov: tuple[str, ...] = ()
    """checkov checks cited as further evidence: their findings fail the control, they establish nothing."""
    evidence: tuple[str, ...] = ()
    requirement: str = ""
    """Start of the requirement line in ../shared/requirements.md this control covers."""

    @property
    def rules(self) -> tuple[str, ...]:
        """Rule ids the clauses name (one home for the rule -> control mapping: the clauses)."""
        out: list[str] = []
        for clause in self.clauses:
            out += [m.ref for m in clause.means if m.kind == "rule" and m.ref not in out]
        return tuple(out)


@dataclass(frozen=True)
class Catalogue:
    controls: list[Control]
    _by_id: dict[str, Control] = field(default_factory=dict, repr=False)

    def control(self, control_id: str) -> Control:
        return self._by_id[control_id]

    def rules_for(self, control_id: str) -> list[str]:
        return list(self._by_id[control_id].rules)

    def controls_for_rule(self, rule_id: str) -> list[Control]:
        return [c for c in self.controls if rule_id in c.rules]


def type_classes() -> dict[str, frozenset[str]]:
    """Named type sets a clause may cite as `@name` (the classification data of policies/core/types)."""
    from policies.core import types as t

    return {
        "@all": ALL_TYPES,
        "@data-bearing": t.DATA_BEARING,
        "@data-stores": t.DATA_STORES,
        "@aws-data-stores": t.AWS_DATA_STORES,
        "@azure-data-stores": t.AZURE_DATA_STORES,
        "@keys": t.KEYS,
    }


def _where(error: jsonschema.ValidationError) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in error.absolute_path).replace(
        ".[", "["
    )


def _types(raw: list[str] | None, where: str) -> frozenset[str] | None:
    if raw is None:
        return None
    classes = type_classes()
    out: set[str] = set()
    for t in raw:
        if t.startswith("@"):
            if t not in classes:
                raise CatalogueError(f"{where}.types: unknown type class {t!r} (one of {', '.join(classes)})")
            out |= classes[t]
        else:
            out.add(t)
    return frozenset(out)


def _means(m: dict[str, Any], where: str, rules: dict[str, Any] | None) -> Means:
    kind = next(k for k in ("rule", "checkov", "component", "live", "record", "organisational") if k in m)
    types = _types(m.get("types"), where)
    if m.get("messages"):
        try:
            re.compile(m["messages"])
        except re.error as e:
            raise CatalogueError(f"{where}.messages: not a regular expression ({e})") from None
    if kind == "rule" and rules is not None and not m.get("pending"):
        rule = rules.get(m["rule"])
        if rule is None:
            raise CatalogueError(f"{where}.rule: unknown rule {m['rule']!r}")
        own = getattr(rule, "resource_types", None)
        if getattr(rule, "scope", "resource") == "stack" and types is None:
            raise CatalogueError(
                f"{where}.types: {m['rule']} judges the whole stack; name the resource types this clause "
                "relies on it for"
            )
        if own is not None and types is not None and (types == ALL_TYPES or not types <= own):
            extra = ", ".join(sorted(types - own))
            raise CatalogueError(f"{where}.types: {m['rule']} does not judge {extra}")
    if kind == "component" and "type" in m:
        types = frozenset({m["type"]})
    return Means(
        kind=kind,
        ref=str(m[kind]),
        types=types,
        messages=m.get("messages", ""),
        property=m.get("property", ""),
        equals=m.get("equals"),
        pending=m.get("pending", ""),
    )


def _clauses(c: dict[str, Any], where: str, rules: dict[str, Any] | None) -> tuple[Clause, ...]:
    out: list[Clause] = []
    for j, cl in enumerate(c["clauses"]):
        at = f"{where}.clauses[{j}]"
        if any(o.id == cl["id"] for o in out):
            raise CatalogueError(f"{at}.id: duplicate clause id {cl['id']!r}")
        means = tuple(_means(m, f"{at}.means[{k}]", rules) for k, m in enumerate(cl["means"]))
        out.append(Clause(id=cl["id"], text=cl["text"], means=means))
    if c["kind"] == "technical" and all(cl.organisational for cl in out):
        raise CatalogueError(
            f"{where}.clauses: a technical control needs at least one clause established by a check "
            "(rule, checkov, component, live or record); otherwise make it organisational"
        )
    return tuple(out)


def parse_catalogue(
    data: Any, path: str = "policies/catalogue/controls.yaml", known_rules: Any = None
) -> Catalogue:
    """Validate catalogue data; raises CatalogueError naming the file and the key.

    `known_rules` is {rule id: Rule} (or a set of ids): rule references, their scope and their resource
    types are checked against it.
    """
    try:
        jsonschema.validate(data, SCHEMA)
    except jsonschema.ValidationError as e:
        raise CatalogueError(f"{path}: {_where(e) or '<root>'}: {e.message}") from None
    if isinstance(known_rules, set | frozenset):
        known_rules = {r: None for r in known_rules}
    controls: list[Control] = []
    seen: dict[str, Control] = {}
    for i, c in enumerate(data["controls"]):
        where = f"{path}: controls[{i}]"
        if c["id"] in seen:
            raise CatalogueError(f"{where}.id: duplicate control id {c['id']}")
        control = Control(
            id=c["id"],
            title=c["title"],
            statement=c["statement"],
            kind=c["kind"],
            sources=tuple(Source(**s) for s in c["sources"]),
            gdpr=tuple(c["gdpr"]),
            clauses=_clauses(c, where, known_rules),
            components=tuple(c["components"]),
            checkov=tuple(c.get("checkov", ())),
            evidence=tuple(c["evidence"]),
            requirement=c["requirement"],
        )
        seen[control.id] = control
        controls.append(control)
    return Catalogue(controls, seen)


@functools.lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The project's catalogue, validated (schema, unique ids, rule references and their types)."""
    from policies.rules import all_rules

    try:
        data = yaml_text.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise CatalogueError(f"{CATALOGUE_FILE}: not valid YAML ({e})") from None
    return parse_catalogue(data, "policies/catalogue/controls.yaml", {r.id: r for r in all_rules()})
