"""Batched Python-syntax service for en2py's CodeBLEU (src/eval/pyservice.ts).
(Plain parse checks go through src/python/astCheck.ts.)

One process answers many requests: one JSON object per line on stdin, one JSON
answer per line on stdout, in order. Requests:
  {"op": "check", "code": "..."}  -> {"ok": true} | {"ok": false, "error": "...", "line": n}
  {"op": "trees", "code": "..."}  -> {"ok": true, "subtrees": [...], "dfg": [...]} | {"ok": false, ...}
"subtrees" are the S-expressions of every non-leaf AST node (CodeBLEU's syntax
match); "dfg" is the data-flow graph normalized as in CodeBLEU (see dataflow()).
The code is only parsed, never executed.
"""
import ast
import json
import sys
import warnings

warnings.simplefilter('ignore')  # SyntaxWarning on odd literals must not reach stderr per item


def parse(code):
    try:
        return ast.parse(code), None
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:  # ValueError: NUL bytes
        return None, {'ok': False, 'error': f'{type(e).__name__}: {getattr(e, "msg", str(e))}',
                      'line': getattr(e, 'lineno', None)}


def children(node):
    # expression contexts (Load/Store/Del) are bookkeeping, not syntax: tree-sitter has no such nodes
    return [c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.expr_context)]


def subtrees(tree):
    """S-expressions (node types only: no identifiers or literal values) of all non-leaf nodes."""
    out = []

    def sexp(node):
        kids = children(node)
        s = '(' + type(node).__name__ + ''.join(' ' + sexp(k) for k in kids) + ')'
        if kids:
            out.append(s)
        return s

    sexp(tree)
    return out


def dataflow(tree):
    """Def-use edges in CodeBLEU's form (var, relation, [parent vars]), variables renamed var_0, var_1, ...

    Simplified from CodeBLEU's DFG_python: one pass in source order; `comesFrom`
    links a use to the variable's reaching definitions; `computedFrom` links an
    assignment target to the variables of the assigned expression. Branches merge
    their definitions; loops are walked once (the reference walks them twice).
    """
    names = [n for n in ast.walk(tree) if isinstance(n, (ast.Name, ast.arg))]
    names.sort(key=lambda n: (n.lineno, n.col_offset))
    pos = {id(n): i for i, n in enumerate(names)}
    ident = lambda n: n.id if isinstance(n, ast.Name) else n.arg
    items = []  # (name, pos, relation, parent names, parent positions)
    defs = {}

    def uses_in(expr):
        if expr is None:
            return []
        found = [n for n in ast.walk(expr) if isinstance(n, ast.Name)]
        return sorted(found, key=lambda n: pos[id(n)])

    def use(n):
        d = defs.get(n.id, [])
        items.append((n.id, pos[id(n)], 'comesFrom', [n.id] * len(d), list(d)))

    def define(target, sources, extra=()):
        for t in ast.walk(target):
            if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store):
                par = list(extra) + sources
                items.append((t.id, pos[id(t)], 'computedFrom', [p[0] for p in par], [p[1] for p in par]))
                defs[t.id] = [pos[id(t)]]
            elif isinstance(t, ast.Name):
                use(t)  # names inside a subscript or attribute target are read

    def src(expr):
        out = []
        for n in uses_in(expr):
            use(n)
            out.append((n.id, pos[id(n)]))
        return out

    def block(stmts):
        for s in stmts:
            stmt(s)

    def branches(*bodies):
        before = {k: list(v) for k, v in defs.items()}
        merged = {}
        for body in bodies:
            defs.clear()
            defs.update({k: list(v) for k, v in before.items()})
            block(body)
            for k, v in defs.items():
                merged.setdefault(k, [])
                merged[k] += [p for p in v if p not in merged[k]]
        defs.clear()
        defs.update(merged)

    def stmt(s):
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            saved = {k: list(v) for k, v in defs.items()}
            a = s.args
            for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]:
                items.append((arg.arg, pos[id(arg)], 'comesFrom', [], []))
                defs[arg.arg] = [pos[id(arg)]]
            block(s.body)
            defs.clear()
            defs.update(saved)
        elif isinstance(s, ast.ClassDef):
            block(s.body)
        elif isinstance(s, (ast.Assign, ast.AnnAssign)):
            sources = src(s.value)
            for t in (s.targets if isinstance(s, ast.Assign) else [s.target]):
                define(t, sources)
        elif isinstance(s, ast.AugAssign):
            sources = src(s.value)
            prev = []
            if isinstance(s.target, ast.Name):
                prev = [(s.target.id, p) for p in defs.get(s.target.id, [])]
            define(s.target, sources, prev) if isinstance(s.target, ast.Name) else src(s.target)
        elif isinstance(s, (ast.For, ast.AsyncFor)):
            define(s.target, src(s.iter))
            branches(s.body, [])
            block(s.orelse)
        elif isinstance(s, (ast.While, ast.If)):
            src(s.test)
            branches(s.body, s.orelse)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for it in s.items:
                sources = src(it.context_expr)
                if it.optional_vars is not None:
                    define(it.optional_vars, sources)
            block(s.body)
        elif isinstance(s, ast.Try):
            block(s.body)
            for h in s.handlers:
                src(h.type)
                block(h.body)
            block(s.orelse)
            block(s.finalbody)
        else:
            # return / expression statements / assert / raise / del ...: reads only
            for n in uses_in(s):
                use(n)

    block(tree.body)

    # keep only nodes that take part in an edge, as the reference does
    keep = set()
    for it in items:
        if it[4]:
            keep.add(it[1])
            keep.update(it[4])
    kept = sorted((it for it in items if it[1] in keep), key=lambda it: it[1])
    rename = {}

    def norm(name):
        if name not in rename:
            rename[name] = f'var_{len(rename)}'
        return rename[name]

    out = []
    for name, _, rel, parents, _ in kept:
        v = norm(name)
        out.append([v, rel, [norm(p) for p in parents]])
    return out


def answer(req):
    tree, err = parse(req.get('code', ''))
    if err:
        return err
    if req.get('op') == 'trees':
        return {'ok': True, 'subtrees': subtrees(tree), 'dfg': dataflow(tree)}
    return {'ok': True}


def main():
    sys.setrecursionlimit(10000)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            out = answer(json.loads(line))
        except Exception as e:  # never die mid-batch: the caller waits for one answer per line
            out = {'ok': False, 'error': f'internal {type(e).__name__}: {e}', 'line': None}
        sys.stdout.write(json.dumps(out) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
