"""Whether a runbook script's grant-making calls take only literals (round 80), for runtime_grants.py.

Round 79 judged an SSM `aws:executeScript` naming a grant-making call (`put_bucket_policy`, `add_permission`)
by its `InputPayload`. The grant need not come from the payload: the script may read it from Parameter
Store, a secret, an object or the network, and whoever writes there decides whom the call lets read. The pack
runs no code, so closed world: each argument of such a call must be a literal the script writes (a constant,
a container of literals, a name bound only to literals, `json.dumps` of one) or a value of the handler's
payload (judged as the run-time parameter it is); a script that is no Python (PowerShell) cannot be read.
"""

from __future__ import annotations

import ast
import functools
import re
from typing import Any

from policies.core.policy_text import PRINCIPAL_KEY

CODE_GRANT = re.compile(
    r"(?:put|set|add|create|modify|grant|update|associate|share|authorize|replace|attach)"
    r"_?\w*?(?:polic|permission|acl|attribute|grant|share|principal)\w*", re.I)
_WRAPPERS = frozenset(("dumps", "str", "dict", "list"))  # json.dumps(doc), str(n): literal when doc is
# Calls that reach an operation by a name or code built at run time (botocore's own dispatcher among them).
_DYNAMIC = frozenset(("eval", "exec", "compile", "__import__", "_make_api_call", "methodcaller",
                      "__getattribute__", "attrgetter"))
# A script that may reach a call by such means: read for one even when it writes no grant-making name.
DYNAMIC_HINT = re.compile(r"getattr|_make_api_call|\beval\(|\bexec\(|__import__|methodcaller|attrgetter"
                          r"|__getattribute__|compile\(")


@functools.lru_cache(maxsize=256)
def literal_grants(script: str) -> bool:
    """Every grant-making call of a Python script takes only literals or payload values (False: one does
    not, or the script does not parse)."""
    try:
        tree = ast.parse(script)
    except (SyntaxError, ValueError):
        return False
    bound: dict[str, list[ast.expr]] = {}
    payload: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                names = [target] if isinstance(target, ast.Name) else []
                for t in names:
                    bound.setdefault(t.id, []).append(node.value)
                if not names:  # a tuple target, an attribute: the names it binds are not literals
                    for t in ast.walk(target):
                        if isinstance(t, ast.Name):
                            bound.setdefault(t.id, []).append(ast.Name("(unread)"))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.args.args:
            payload.add(node.args.args[0].arg)  # the handler's `events`: the runbook's InputPayload
        elif isinstance(node, ast.For | ast.With | ast.AugAssign | ast.AnnAssign | ast.NamedExpr):
            for t in ast.walk(getattr(node, "target", None) or node):
                if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store):
                    bound.setdefault(t.id, []).append(ast.Name("(unread)"))
    if _hidden(tree):
        return False
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and CODE_GRANT.fullmatch(n.func.attr)]
    return all(_literal(a, bound, payload, set()) for c in calls
               for a in [*c.args, *(k.value for k in c.keywords)])


def _hidden(tree: ast.AST) -> bool:
    """A grant-making call the reader would not see as `client.put_bucket_policy(…)`: the method bound to a
    name (`apply = s3.put_bucket_policy`), an operation named by a string (`_make_api_call('PutBucketPolicy',
    …)`, `getattr(s3, name)`), code built at run time (`eval`, `exec`)."""
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and CODE_GRANT.fullmatch(node.attr) and id(node) not in called:
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and CODE_GRANT.fullmatch(node.value):
            return True
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in _DYNAMIC or (name == "getattr" and not (
                    len(node.args) > 1 and isinstance(node.args[1], ast.Constant))):
                return True
    return False


def _literal(node: ast.expr, bound: dict[str, list[ast.expr]], payload: set[str], seen: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Dict):
        return all(_literal(x, bound, payload, seen) for x in [*node.keys, *node.values] if x is not None)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(_literal(x, bound, payload, seen) for x in node.elts)
    if isinstance(node, ast.Name):
        if node.id in seen or node.id not in bound:
            return False
        return all(_literal(v, bound, payload, seen | {node.id}) for v in bound[node.id])
    if isinstance(node, ast.Subscript):  # events['Bucket']: the payload's; doc['Statement']: the literal's
        base = node.value
        if isinstance(base, ast.Name) and base.id in payload and base.id not in bound:
            return True
        return _literal(base, bound, payload, seen) and _literal(node.slice, bound, payload, seen)
    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        return name in _WRAPPERS and all(
            _literal(a, bound, payload, seen) for a in [*node.args, *(k.value for k in node.keywords)])
    if isinstance(node, ast.JoinedStr | ast.FormattedValue | ast.BinOp):
        return all(_literal(x, bound, payload, seen) for x in ast.iter_child_nodes(node)
                   if isinstance(x, ast.expr))
    return False


def python_docs(text: str) -> tuple[list[dict[str, Any]], bool] | None:
    """Round 80's limit closed: the policies a Python script writes as dict literals (`{'Statement': […]}`,
    single quotes: no JSON to cut out), evaluated with `ast.literal_eval` (literals only, nothing runs), and
    whether a principal is left outside them (a dict holding a name is no literal). None: not Python."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    docs: list[dict[str, Any]] = []
    rest = text
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "Statement"
                                              for k in node.keys):
            segment = ast.get_source_segment(text, node)
            try:
                doc = ast.literal_eval(node)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            if segment and segment in rest:
                docs.append(doc)
                rest = rest.replace(segment, "", 1)
    return docs, PRINCIPAL_KEY.search(rest) is not None
