"""NIST OSCAL assessment results built with compliance-trestle's models.

One result per export; the plan's resources are inventory items (the subjects); one observation per
control (what was examined, by which rule or live check, with the resources as subjects) and one finding
per control whose target is the control with state satisfied (verified only) / not-satisfied. Each clause
of a control has its own observation (each means: how, status, detail) and finding, whose target is the
control's statement part `<control>_smt.<clause>` (e.g. loc-03_smt.tested); the control's finding relates
to the observations of all its clauses.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from trestle.oscal import OSCAL_VERSION, common
from trestle.oscal import assessment_results as ar

from evidence.catalogue import sources_text
from evidence.model import ControlResult, StackEvidence

NS = "https://dosis-eloket.vlaanderen.be/ns/oscal"  # namespace of our own property names
_UUID_NS = uuid.UUID("6f1c7a0e-3f3e-4d5e-9a55-1c2b3d4e5f60")


def _uuid(*parts: str) -> str:
    """Stable v5 UUID, so the same export yields the same ids (diffable bundles)."""
    return str(uuid.uuid5(_UUID_NS, "\x1f".join(parts)))


def _prop(name: str, value: Any) -> common.Property:
    text = " ".join(str(value).split()) or "-"
    return common.Property(name=name, value=text, ns=NS)


def _inventory(stacks: list[StackEvidence]) -> tuple[list[Any], dict[tuple[str, str], str]]:
    """The plan's resources as inventory items, and their uuids by (stack, urn)."""
    items, subject_ids = [], {}
    for ev in stacks:
        for r in ev.resources():
            rtype = r.get("type", "")
            key = (ev.stack, r.get("urn", ""))
            if rtype.startswith("pulumi:") or key in subject_ids:
                continue
            subject_ids[key] = _uuid("resource", *key)
            items.append(
                common.InventoryItem(
                    uuid=subject_ids[key],
                    description=r.get("urn", "") or rtype,
                    props=[
                        _prop("stack", ev.stack),
                        _prop("resource-type", rtype),
                        _prop("urn", r.get("urn", "")),
                    ],
                )
            )
    return items, subject_ids


def _evidence(res: ControlResult) -> list[Any]:
    """Rule runs, live checks and findings of one control as relevant evidence."""
    evidence = [
        common.RelevantEvidence(
            description=f"{run['pack']}/{run['policy']} on {run['stack']}: {run['resources_checked']} "
            f"resource(s) checked, {run['violations']} violation(s)"
        )
        for run in res.runs
    ]
    evidence += [
        common.RelevantEvidence(
            description=f"live {chk.check} {chk.resource or '-'}: {chk.status} — {chk.detail}"
        )
        for chk in res.live
    ]
    evidence += [
        common.RelevantEvidence(
            description=f"{v['stack']}: {v['rule']} on {v['urn'] or 'stack'}"
            + (
                f" waived until {v['waiver'].get('expires')} (owner {v['waiver'].get('owner')})"
                if v.get("waiver")
                else " violated"
            )
        )
        for v in res.violations
    ]
    return evidence


def _control(
    res: ControlResult, subject_ids: dict[tuple[str, str], str], exported: datetime
) -> tuple[Any, Any]:
    """The control's observation and finding (related to its clauses' observations too)."""
    c = res.control
    subjects = [
        common.SubjectReference(
            subject_uuid=subject_ids[(s["stack"], s["urn"])],
            type="inventory-item",
            title=s["name"] or s["urn"],
        )
        for s in res.subjects
        if (s["stack"], s["urn"]) in subject_ids
    ]
    evidence = _evidence(res)
    obs_uuid = _uuid("observation", c.id)
    observation = common.Observation(
        uuid=obs_uuid,
        title=f"{c.id}: {c.title}",
        description=f"{res.reason}. Sources: {sources_text(c) or '-'}.",
        methods=["EXAMINE"] if res.status == "organisational" else ["TEST", "EXAMINE"],
        types=["control-objective"],
        props=[_prop("status", res.status), _prop("kind", getattr(c, "kind", "technical"))],
        subjects=subjects or None,
        relevant_evidence=evidence or None,
        collected=exported,
    )
    clause_obs = [_uuid("observation", c.id, clause.id) for clause in res.clauses]
    finding = common.Finding(
        uuid=_uuid("finding", c.id),
        title=f"{c.id}: {c.title}",
        description=getattr(c, "statement", "") or c.title,
        props=[_prop("status", res.status), _prop("sources", sources_text(c) or "-")],
        target=common.FindingTarget(
            type="objective-id",
            target_id=c.id,
            title=c.title,
            status=common.ObjectiveStatus(
                state="satisfied" if res.status == "verified" else "not-satisfied",
                reason=_reason(res.status),
                remarks=res.reason,
            ),
        ),
        related_observations=[common.RelatedObservation(observation_uuid=u) for u in [obs_uuid, *clause_obs]],
    )
    return observation, finding


def build(
    results: list[ControlResult],
    stacks: list[StackEvidence],
    exported: datetime,
    tool_version: str,
    commit: str,
) -> ar.AssessmentResults:
    """The OSCAL assessment-results document for this export."""
    items, subject_ids = _inventory(stacks)
    observations, findings, selected = [], [], []
    for res in results:
        selected.append(common.SelectControlById(control_id=res.control.id))
        observation, finding = _control(res, subject_ids, exported)
        observations.append(observation)
        _clauses(res, exported, observations, findings)
        findings.append(finding)
    result = ar.Result(
        uuid=_uuid("result", *(ev.stack for ev in stacks), exported.isoformat()),
        title="Evidence export: " + ", ".join(ev.stack for ev in stacks),
        description="Offline gate verdicts (policy packs, checkov), live checks and records per clause.",
        start=exported,
        end=exported,
        props=[_prop("git-commit", commit), _prop("tool-version", tool_version)],
        local_definitions=ar.LocalDefinitions1(inventory_items=items or None),
        reviewed_controls=common.ReviewedControls(
            control_selections=[common.ControlSelections(include_controls=selected)]
            if selected
            else [common.ControlSelectionsAll(include_all=common.IncludeAll())]
        ),
        observations=observations or None,
        findings=findings or None,
    )
    return ar.AssessmentResults(
        uuid=_uuid("assessment-results", result.uuid),
        metadata=common.Metadata(
            title="DOSIS / e-loket assessment results",
            last_modified=exported,
            version=tool_version,
            oscal_version=common.OscalVersion(OSCAL_VERSION),
        ),
        import_ap=ar.ImportAp(href="#gate-policy-packs"),
        results=[result],
    )


def _reason(status: str) -> str:
    return {"verified": "pass", "established": "pass", "failed": "fail"}.get(status, "other")


def _clauses(
    res: ControlResult, exported: datetime, observations: list[Any], findings: list[Any]
) -> list[str]:
    """One observation and one finding per clause, targeting the control's statement part."""
    c, uuids = res.control, []
    for clause in res.clauses:
        obs_uuid = _uuid("observation", c.id, clause.id)
        uuids.append(obs_uuid)
        observations.append(
            common.Observation(
                uuid=obs_uuid,
                title=f"{c.id} {clause.id}: {clause.text}",
                description=clause.reason or clause.text,
                methods=["EXAMINE"] if clause.status == "organisational" else ["TEST", "EXAMINE"],
                types=["control-objective"],
                props=[_prop("status", clause.status), _prop("clause", clause.id)],
                relevant_evidence=[
                    common.RelevantEvidence(
                        description=f"{m.how}: {m.status}" + (f" — {m.detail}" if m.detail else ""),
                        props=[_prop("means", m.kind), _prop("status", m.status)],
                    )
                    for m in clause.means
                ]
                or None,
                collected=exported,
            )
        )
        findings.append(
            common.Finding(
                uuid=_uuid("finding", c.id, clause.id),
                title=f"{c.id} {clause.id}",
                description=clause.text,
                props=[_prop("status", clause.status), _prop("clause", clause.id)],
                target=common.FindingTarget(
                    type="statement-id",
                    target_id=f"{c.id.lower()}_smt.{clause.id}",
                    title=clause.text,
                    status=common.ObjectiveStatus(
                        state="satisfied" if clause.status == "established" else "not-satisfied",
                        reason=_reason(clause.status),
                        remarks=clause.reason or clause.status,
                    ),
                ),
                related_observations=[common.RelatedObservation(observation_uuid=obs_uuid)],
            )
        )
    return uuids


def to_json(model: ar.AssessmentResults) -> str:
    """OSCAL JSON as trestle writes it: {"assessment-results": {...}}, aliases, no nulls."""
    return model.oscal_serialize_json(pretty=True)


def validate(text: str) -> ar.Model:
    """Parse OSCAL JSON back with trestle's models (raises on an invalid document).

    ``Model`` is trestle's document root: one "assessment-results" key, no other keys allowed.
    """
    return ar.Model.model_validate(json.loads(text))
