"""Parameters of an AWS Data Pipeline definition (round 54).

A pipeline object's field names its data by an expression the service fills in when the pipeline runs:
`s3://#{myExportBucket}/dossiers/` takes the bucket from the parameter `myExportBucket`, whose value the
definition gives in `parameterValues` (several entries of one id: an array, any of which may be used) or as
the parameter object's `default`. Each such reference is read as every value the definition gives it, so the
bucket is judged as if written; a parameter with no value there (supplied when the pipeline is activated),
an unknown one, a field of more than eight alternatives, or another expression in a host's place
(`#{node.bucket}`) stays unfilled and blocks as a host chosen at run time (host_classes.py `hostless_sites`).
The same `#{myField}` also names a user field (`my…`) of the object or of an object it inherits from (its
`parent`, and `Default`, round 55): `#{myScheme}#{myTarget}/x` with `myScheme` `s3://` is a bucket URL once
filled, so those fields count as values too (a parameter's and a field's: either may be used).
An expression may also name a field through an object (round 59): `#{node.myTarget}` is a field of the object
itself, `#{output.directoryPath}` one of the object its `output` field refers to; each is read as that field's
value (once its own expressions are filled), so `#{node.myScheme}#{node.myTarget}/x` is judged as the bucket
URL it becomes, as `#{myScheme}#{myTarget}/x` is. A path whose head fills to a bare name
(`#{node.myTarget}/x` with `myTarget` `partner-drop`) names no scheme; round 60 kept it unfilled, which
blocked the stack's own bucket written so too. Round 61 reads a bare head of a bucket name's shape as that
bucket (`s3://partner-drop/x`, judged as any bucket: the own one passes, another blocks); any other head
is kept unfilled and blocks as a head nothing places (host_classes.py `expression_head`). Round 62 reads it
so only in the fields that hold an S3 path; elsewhere (a script's argument may be a host) it stays unfilled.
"""

from __future__ import annotations

import re
from typing import Any

from policies.core.host_classes import BUCKET_NAME, headed_by_expression
from policies.core.view import ResourceView, is_unknown

DEFINITION = "aws:datapipeline/pipelineDefinition:PipelineDefinition"
_REF = re.compile(r"#\{\s*((?:\w+\.)?\w+)\s*\}")  # `myField`, `node.myField`, `output.directoryPath`
_MAX_VALUES = 8  # alternatives of one field; more is not judged value by value (left unfilled)
# What a path's head may fill to and be placed: a scheme (`s3://bucket`, then read as a URL) or a local path.
_PLACED_HEAD = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/)", re.I)
# The fields whose value is an S3 path (AWS Data Pipeline object reference: data nodes, log, script, jar,
# output and bootstrap locations, S3 preconditions): only there is a bare head a bucket (round 62). Round 63
# checked them against each object type: the pipeline's log location (`pipelineLogUri`, Default or any
# activity), an EmrCluster's (`emrLogUri`, which takes precedence) and the scripts a Hive or Pig activity
# generates (`generatedScriptsPath`) were missing, and blocked the own bucket written bare.
_S3_PATHS = frozenset({
    "directoryPath", "filePath", "manifestFilePath", "logUri", "pipelineLogUri", "emrLogUri", "scriptUri",
    "jarUri", "generatedScriptsPath", "stdout", "stderr", "s3Key", "s3Prefix", "bootstrapAction", "step"})


def _values(view: ResourceView) -> dict[str, list[str]]:
    """Parameter id -> every value the definition gives it; one not a known string leaves the id out."""
    given: dict[str, list[Any]] = {}
    for v in _listed(view.get("parameterValues")):
        if isinstance(v.get("id"), str):
            given.setdefault(v["id"], []).append(v.get("stringValue"))
    for p in _listed(view.get("parameterObjects")):
        defaults = [a.get("stringValue") for a in _listed(p.get("attributes")) if a.get("key") == "default"]
        if isinstance(p.get("id"), str) and p["id"] not in given and defaults:
            given[p["id"]] = defaults
    return {k: vs for k, vs in given.items()
            if all(isinstance(v, str) and not is_unknown(v) for v in vs)}


def _listed(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _filled(text: str, values: dict[str, list[str]], s3_path: bool) -> str:
    """Every alternative of `text` with its parameters filled in, joined by spaces (each is scanned)."""
    alternatives = [text]
    for name in dict.fromkeys(_REF.findall(text)):
        if name not in values:
            continue
        pattern = re.compile(r"#\{\s*" + re.escape(name) + r"\s*\}")
        alternatives = [pattern.sub(lambda _m, v=v: v, a) for a in alternatives for v in values[name]]
        if len(alternatives) > _MAX_VALUES:
            return text
    if headed_by_expression(text):
        heads = [_placed_head(a, s3_path) for a in alternatives]
        if None in heads:
            return text  # kept as written: it blocks as a head nothing places
        alternatives = [h for h in heads if h is not None]
    return " ".join(alternatives)


def _placed_head(filled: str, s3_path: bool) -> str | None:
    """A path filled at its head, as it is placed: with its scheme or as a local path as written; a bare
    bucket name in a field that holds an S3 path (round 61: a data node's path names S3 objects, so a bare
    head can only be a bucket; round 62: in any other field, a script's argument, it may be a host) as that
    bucket's `s3://` URL, judged like any bucket; anything else (None) is no place the pack can read."""
    if _PLACED_HEAD.match(filled):
        return filled
    return f"s3://{filled}" if s3_path and BUCKET_NAME.match(filled.split("/", 1)[0]) else None


def _user_fields(obj: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """The `my…` fields an object has or inherits (its parents', then Default's), each a known string."""
    out: dict[str, list[str]] = {}
    chain, seen = [obj], set()
    while chain:
        o = chain.pop(0)
        if id(o) in seen:
            continue
        seen.add(id(o))
        for f in _listed(o.get("fields")):
            key, text = f.get("key"), f.get("stringValue")
            if isinstance(key, str) and key.startswith("my") and isinstance(text, str):
                out.setdefault(key, []).append(text)
            if key == "parent" and f.get("refValue") in by_id:
                chain.append(by_id[f["refValue"]])
        if not chain and "Default" in by_id:
            chain.append(by_id["Default"])
    return out


def filled_definition(view: ResourceView, inputs: dict[str, Any]) -> dict[str, Any]:
    """The inputs scanned for references: each pipeline object's field with its parameters and the user
    fields of the object (or its parents) filled in."""
    params = _values(view)
    objects = view.get("pipelineObjects")
    if not isinstance(objects, list):
        return inputs
    by_id = {o["id"]: o for o in _listed(objects) if isinstance(o.get("id"), str)}

    def field(f: Any, values: dict[str, list[str]]) -> Any:
        text = f.get("stringValue") if isinstance(f, dict) else None
        if not isinstance(text, str) or "#{" not in text:
            return f
        return {**f, "stringValue": _filled(text, values, f.get("key") in _S3_PATHS)}

    def filled(o: dict[str, Any], through: dict[str, dict[str, Any]]) -> dict[str, Any]:
        own = {**_user_fields(o, by_id), **_through_fields(o, through)}
        values = {k: params.get(k, []) + own.get(k, []) for k in {*params, *own}
                  if not any(is_unknown(v) for v in own.get(k, []))}
        return {**o, "fields": [field(f, values) for f in o["fields"]]}

    def each(through: dict[str, dict[str, Any]]) -> list[Any]:
        return [filled(o, through) if isinstance(o, dict) and isinstance(o.get("fields"), list) else o
                for o in objects]

    # a field named through an object takes that field with its own expressions filled first (one level)
    first = {o["id"]: o for o in _listed(each(by_id)) if isinstance(o.get("id"), str)}
    return {**inputs, "pipelineObjects": each(first)}


def _through_fields(obj: dict[str, Any], objects: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """`node.<field>` (the object's own, its `my…` fields also inherited) and `<ref>.<field>` (a field of the
    object its field `<ref>` refers to), each a string the definition gives."""
    out: dict[str, list[str]] = {}
    own = objects.get(obj.get("id"), obj)
    for f in _listed(own.get("fields")):
        key, text, ref = f.get("key"), f.get("stringValue"), f.get("refValue")
        if isinstance(key, str) and isinstance(text, str):
            out.setdefault(f"node.{key}", []).append(text)
        if isinstance(key, str) and ref in objects:
            for g in _listed(objects[ref].get("fields")):
                if isinstance(g.get("key"), str) and isinstance(g.get("stringValue"), str):
                    out.setdefault(f"{key}.{g['key']}", []).append(g["stringValue"])
    for key, texts in _user_fields(obj, objects).items():
        out.setdefault(f"node.{key}", texts)
    return out
