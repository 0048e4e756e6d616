"""The auditor's page: one self-contained HTML file (inline CSS, no scripts, no network)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jinja2

from evidence.assess import summary
from evidence.catalogue import sources_text
from evidence.model import STATUS_MEANING, ControlResult, LiveCheck, StackEvidence

MAX_SUBJECTS = 100  # resources drilled down per control on the page (all of them are in the OSCAL file)
REGISTER_SECTIONS = [
    ("purposes", "Purposes"),
    ("data_subjects", "Data subjects"),
    ("data_categories", "Data categories"),
    ("recipients", "Recipients"),
    ("locations", "Locations"),
]


def render(
    results: list[ControlResult],
    evidence: list[StackEvidence],
    live: list[LiveCheck],
    register: dict[str, Any],
    meta: dict[str, Any],
) -> str:
    """The report page; every value is HTML-escaped by the template engine (autoescape on)."""
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["j"] = lambda value: json.dumps(value, ensure_ascii=False, default=str)  # escaped on output
    template = env.from_string(
        resources.files("evidence").joinpath("templates/report.html.j2").read_text(encoding="utf-8")
    )
    stack_rows = [
        {
            "stack": ev.stack,
            "source": ev.source,
            "resources": ev.report.resources,
            "violations": sum(1 for v in ev.report.violations if not v.waiver),
            "waived": sum(1 for v in ev.report.violations if v.waiver),
            "blocked": ev.report.blocked,
        }
        for ev in evidence
    ]
    waivers = [v for r in results for v in r.waivers]
    seen, unique = set(), []
    for v in waivers:
        key = (v["stack"], v["rule"], v["urn"])
        if key not in seen:
            seen.add(key)
            unique.append(v)
    return template.render(
        results=results,
        evidence=evidence,
        live=live,
        register=register,
        meta=meta,
        stacks=[ev.stack for ev in evidence],
        counts=summary(results),
        meanings=STATUS_MEANING,
        stack_rows=stack_rows,
        waivers=unique,
        sources=sources_text,
        register_sections=REGISTER_SECTIONS,
        max_subjects=MAX_SUBJECTS,
    )
