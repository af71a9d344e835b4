/**
 * English→Python pairs from the documented functions of the Python standard
 * library on this machine (issue 8, "more data"): the one large body of Python
 * with English descriptions that needs no network. Python 3.11's library has
 * about 6,800 documented functions and methods outside its test packages; the
 * rules below keep those that look like the data set's pairs (~2,500).
 *
 * A function becomes a pair when:
 * - its name is public (no leading underscore) and it has a docstring and a body
 *   besides it that does something (not only `pass`, `...` or `raise NotImplementedError`);
 * - the docstring's first sentence (of its first paragraph) has 3 to 30 words,
 *   starts with a verb from VERBS ("Return …", "Returns …") and holds no doctest
 *   or markup (`>>>`, backquotes, braces, backslashes);
 * - the code, printed without its docstring and decorators by `ast.unparse`
 *   (4-space indentation, no comments, like the data set's code), has at most
 *   15 lines and 600 characters, as the data set's functions do.
 * The description is "write a python function to <verb> <rest of the sentence>",
 * the data set's most common opening: "Returns the sum." → "write a python
 * function to return the sum".
 *
 * The extraction runs in ONE python3 process (`ast` is the only parser that
 * knows every construct of the library's own Python version); the file list goes
 * to its stdin and the pairs come back as JSON. The standard library differs
 * between Python versions, so the report names the folder and counts the pairs.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { UserError } from '../errors.js';
import { pythonExecutable } from '../python/astCheck.js';
import { findStdlibDir, listStdlibFiles } from '../python/stdlib.js';
import type { Pair, ReadResult } from './types.js';

/** First words accepted as the verb of a description, in their base form. */
export const VERBS: readonly string[] = [
  'accept', 'add', 'append', 'apply', 'ask', 'bind', 'build', 'calculate', 'call', 'change', 'check', 'clear',
  'close', 'combine', 'compare', 'compile', 'compress', 'compute', 'configure', 'construct', 'convert', 'copy',
  'count', 'create', 'decode', 'decompress', 'delete', 'determine', 'display', 'dump', 'emit', 'encode', 'ensure',
  'escape', 'evaluate', 'execute', 'expand', 'extract', 'fetch', 'fill', 'filter', 'find', 'flatten', 'format',
  'generate', 'get', 'handle', 'insert', 'iterate', 'join', 'list', 'load', 'log', 'lookup', 'make', 'map',
  'match', 'merge', 'normalize', 'open', 'pack', 'parse', 'print', 'process', 'produce', 'put', 'quote', 'read',
  'receive', 'register', 'remove', 'rename', 'render', 'replace', 'reset', 'resolve', 'retrieve', 'return',
  'reverse', 'run', 'save', 'scan', 'search', 'send', 'set', 'sort', 'split', 'start', 'stop', 'store', 'strip',
  'test', 'translate', 'truncate', 'unpack', 'unquote', 'unregister', 'update', 'validate', 'verify', 'wait',
  'walk', 'wrap', 'write', 'yield',
];

const EXTRACT = String.raw`
import ast, json, re, sys, warnings
warnings.simplefilter("ignore")
verbs = set(json.loads(sys.argv[1]))
counts = {"filesUnreadable": 0, "functions": 0, "undocumented": 0, "private": 0,
          "docstringOnly": 0, "stub": 0, "descriptionNotAVerbSentence": 0, "codeTooLong": 0}
def base_verb(word):
    w = word.lower()
    for cut in ("", "s", "es"):
        if cut and not w.endswith(cut):
            continue
        stem = w[: len(w) - len(cut)]
        if stem in verbs:
            return stem
    return None
def describe(doc):
    text = " ".join(doc.strip().split("\n\n")[0].split())
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = (m.group(1) if m else text).rstrip(".!? ")
    words = sentence.split(" ")
    if not (3 <= len(words) <= 30) or not words[0][:1].isupper():
        return None
    if any(s in sentence for s in (">>>", "\u0060", "{", "}", "\\")):
        return None
    verb = base_verb(words[0])
    return None if verb is None else "write a python function to " + " ".join([verb] + words[1:])
def is_stub(stmt):
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and stmt.value.value is Ellipsis:
        return True
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return False
pairs = []
for file, rel in json.load(sys.stdin):
    try:
        with open(file, encoding="utf-8") as f:
            tree = ast.parse(f.read())
    except Exception:
        counts["filesUnreadable"] += 1
        continue
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        counts["functions"] += 1
        doc = ast.get_docstring(node)
        if not doc:
            counts["undocumented"] += 1
            continue
        if node.name.startswith("_"):
            counts["private"] += 1
            continue
        if len(node.body) < 2:
            counts["docstringOnly"] += 1
            continue
        if all(is_stub(stmt) for stmt in node.body[1:]):
            counts["stub"] += 1
            continue
        description = describe(doc)
        if description is None:
            counts["descriptionNotAVerbSentence"] += 1
            continue
        node.body = node.body[1:]
        node.decorator_list = []
        code = ast.unparse(node)
        if code.count("\n") >= 15 or len(code) > 600:
            counts["codeTooLong"] += 1
            continue
        pairs.append({"id": "stdlib:" + rel + ":" + node.name, "line": node.lineno, "description": description, "code": code})
json.dump({"counts": counts, "pairs": pairs}, sys.stdout)
`;

/**
 * The pairs of the standard library in `dir` (default: the one python3 reports),
 * files in sorted path order, functions in `ast.walk` order. Counts in
 * `counts` say why the other functions were left out.
 */
export function readStdlibPairs(dir?: string): ReadResult & { dir: string } {
  const exe = pythonExecutable();
  const root = dir ?? findStdlibDir(exe);
  if (root === null) throw new UserError(`${exe}: could not ask it for its standard library folder (data.extra stdlib); give the folder as its path`);
  const files = listStdlibFiles(root);
  if (files.length === 0) throw new UserError(`${root}: no .py files (data.extra stdlib expects a Python standard library folder)`);
  const r = spawnSync(exe, ['-c', EXTRACT, JSON.stringify(VERBS)], {
    input: JSON.stringify(files.map((f) => [f, path.relative(root, f).split(path.sep).join('/')])),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
  });
  if (r.error) throw new UserError(`${exe}: ${r.error.message} (needed to read the standard library's functions)`);
  if (r.status !== 0) throw new Error(`${exe} exited with ${r.status} reading ${root}: ${r.stderr.trim()}`);
  const out = JSON.parse(r.stdout) as { counts: Record<string, number>; pairs: Array<{ id: string; line: number; description: string; code: string }> };
  const pairs: Pair[] = out.pairs.map((p) => ({ ...p, source: 'stdlib' }));
  return { dir: root, pairs, drops: [], counts: { files: files.length, ...out.counts } };
}
