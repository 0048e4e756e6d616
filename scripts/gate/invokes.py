"""Offline answers to invokes (data sources: `route53.get_zone`, `storage.list_storage_account_sas`, ...).

Offline there is no cloud to ask, so an invoke is answered from fixtures: the program's
`<stackConfigDir>/fixtures/<stack>.yaml` (per stack), then `--invoke-fixtures FILE` / `[tool.gate]
invoke-fixtures` (every stack):

    invokes:
      - token: aws:route53/getZone:getZone
        args: {name: example.com}        # each given argument must equal the call's (others: any value)
        result: {zoneId: Z0123456789, name: example.com, id: Z0123456789}

The first matching entry answers. An invoke that neither a fixture nor the gate's built-in answers
(caller identity, region, partition, policy documents, client config) can answer stops the recording with
one line naming the token, its arguments and the program's file:line (exit 2): the gate cannot make up
what a data source would return, and guessing would judge a different program.
"""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.errors import GateError
from gate.inputs import parse_yaml

_SECRET_KEY = re.compile(r"password|secret|token|credential|key$|sas", re.IGNORECASE)


@dataclass(frozen=True)
class Answer:
    token: str
    args: dict[str, Any]
    result: dict[str, Any]
    where: str          # "file: invokes[i]"


def load_answers(files: list[Path]) -> list[Answer]:
    """Every fixture file's entries, in order; GateError naming the file and key on a bad one."""
    answers: list[Answer] = []
    for path in files:
        try:   # read as stack config is (gate.inputs): YAML 1.2 core, no duplicate keys, JSON types only
            data = parse_yaml(path.read_text(encoding="utf-8"), str(path))
        except OSError as exc:
            raise GateError(f"{path}: cannot read invoke fixtures ({exc.strerror or exc})") from None
        entries = data.get("invokes") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise GateError(f"{path}: invokes: must be a list of {{token, args, result}}")
        for i, entry in enumerate(entries):
            where = f"{path}: invokes[{i}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("token"), str) or not entry["token"]:
                raise GateError(f"{where}.token: must be an invoke token such as aws:route53/getZone:getZone")
            unknown = sorted(set(entry) - {"token", "args", "result"})
            if unknown:
                raise GateError(f"{where}.{unknown[0]}: unknown key (token, args, result)")
            for key in ("args", "result"):
                if not isinstance(entry.get(key, {}), dict):
                    raise GateError(f"{where}.{key}: must be a mapping")
            if "result" not in entry:
                raise GateError(f"{where}.result: missing (the invoke's outputs, by their wire names)")
            args = dict(entry.get("args") or {})
            answers.append(Answer(entry["token"], args, dict(entry["result"]), where))
    return answers


def _plain(value: Any) -> Any:
    """Compare values as JSON does (tuples as lists, whole floats as ints)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def find(answers: list[Answer], token: str, args: dict[str, Any]) -> dict[str, Any] | None:
    given = _plain(args)
    for answer in answers:
        if answer.token == token and all(given.get(k) == _plain(v) for k, v in answer.args.items()):
            return dict(answer.result)
    return None


def shown_args(args: dict[str, Any]) -> str:
    """The arguments as one line of JSON, secrets-looking values redacted."""
    safe = {k: "[secret]" if _SECRET_KEY.search(k) else v for k, v in sorted(args.items())}
    return json.dumps(safe, sort_keys=True, default=str)


class CallSites:
    """Where the program called each invoke (the SDK sends no source position for invokes)."""

    def __init__(self, program_file: Callable[[str], str]) -> None:
        self._program_file = program_file
        self._sites: dict[str, list[str]] = {}

    def note(self, token: str) -> None:
        site = ""
        for frame in reversed(traceback.extract_stack()[:-2]):
            file = self._program_file(Path(frame.filename).resolve().as_uri())
            if file:
                site = f"{file}:{frame.lineno}"
                break
        self._sites.setdefault(token, []).append(site)

    def take(self, token: str) -> str:
        sites = self._sites.get(token)
        return sites.pop(0) if sites else ""


@contextmanager
def noting_call_sites(sites: CallSites) -> Iterator[None]:
    """Wrap the SDK's invoke entry points (generated code calls `pulumi.runtime.invoke*` by attribute)."""
    import pulumi.runtime as rt

    names = [n for n in ("invoke", "invoke_async", "invoke_output", "invoke_output_async") if hasattr(rt, n)]
    saved = {n: getattr(rt, n) for n in names}

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(tok: str, *args: Any, **kwargs: Any) -> Any:
            sites.note(tok)
            return fn(tok, *args, **kwargs)
        return call

    for name, fn in saved.items():
        setattr(rt, name, wrap(fn))
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(rt, name, fn)


def unanswered_error(stack: str, token: str, args: dict[str, Any], site: str, fixture: str) -> GateError:
    at = f" at {site}" if site else ""
    return GateError(f"stack {stack}: invoke {token} {shown_args(args)}{at} has no offline answer: add "
                     f"{{token: {token}, args: ..., result: ...}} to {fixture} (or --invoke-fixtures FILE)")
