/**
 * The corpus's Python side: ONE long-lived python3 process parses each file
 * with `ast` (Python 3's own grammar: a Python 2 file fails here) and extracts
 * its documented functions as pairs in the same pass. Requests and answers are
 * JSON lines in order; up to `window` files are in flight, so python3 parses
 * while Node lexes the next files (the two cores both work).
 *
 * The pair rules generalise src/data/stdlibPairs.ts (see its header): public
 * name (not a dunder; _private helpers count), a docstring whose first sentence has 3-30 words, starts with a verb of
 * VERBS + CORPUS_VERBS ("Returns …"/"Return …") and holds no markup; a body
 * besides the docstring that is not a stub; the code printed by `ast.unparse`
 * without docstring and decorators (4-space indentation, no comments) of at
 * most MAX_LINES lines and MAX_CHARS characters. Generalised:
 * - methods count: a @staticmethod, or a method that never uses its first
 *   parameter (self/cls), printed as a plain function without it (kind "method");
 *   a method that uses self stays a method (kind "boundmethod", description
 *   "write a python method to …"): its code does not stand alone, but a class
 *   method is what a docstring describes (its quality is measured in docs/data-card.md);
 * - functions nested in functions, and test functions (test_*, in test files), are left out.
 * Comment pairs (kind "comment", the English→Python set's own shape: a comment
 * and the code under it): a comment block of 1-3 lines, 3-30 words, directly
 * above a statement at the same indentation, not a pragma/TODO/licence/URL line;
 * the statement (a simple one or a whole block) printed by `ast.unparse`, at most
 * 15 lines and 600 characters; imports, `pass` and bare constants left out.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';
import { UserError } from '../../errors.js';
import { pythonExecutable } from '../../python/astCheck.js';
import { VERBS } from '../stdlibPairs.js';

/** Verbs common in library docstrings that the standard library rules did not need. */
export const CORPUS_VERBS: readonly string[] = [
  'adjust', 'allocate', 'assert', 'assign', 'attach', 'calculate', 'cast', 'clean', 'collect', 'concatenate',
  'connect', 'construct', 'contain', 'decorate', 'give', 'define', 'detect', 'draw', 'drop', 'estimate', 'exclude',
  'export', 'factor', 'fit', 'gather', 'group', 'guess', 'import', 'include', 'infer', 'initialize', 'inspect',
  'integrate', 'interpolate', 'invert', 'lower', 'mark', 'modify', 'multiply', 'mask', 'note', 'pad', 'partition',
  'pick', 'plot', 'populate', 'predict', 'prepare', 'prepend', 'raise', 'rebuild', 'reduce', 'refresh', 'reject',
  'represent', 'resize', 'restore', 'rewrite', 'rotate', 'round', 'sample', 'scale', 'select', 'serialize',
  'shift', 'show', 'simplify', 'skip', 'slice', 'solve', 'substitute', 'subtract', 'sum', 'swap', 'take',
  'tokenize', 'transform', 'transpose', 'trim', 'try', 'turn', 'unwrap', 'upgrade', 'use', 'visit', 'warn', 'zip',
];

export const MAX_LINES = 30;
export const MAX_CHARS = 1500;

const WORKER = String.raw`
import ast, json, re, sys, warnings
warnings.simplefilter("ignore")
sys.setrecursionlimit(10000)
verbs = set(json.loads(sys.argv[1]))
max_lines, max_chars = int(sys.argv[2]), int(sys.argv[3])
def base_verb(word):
    w = word.lower()
    for cut in ("", "s", "es"):
        if cut and not w.endswith(cut):
            continue
        stem = w[: len(w) - len(cut)]
        if stem in verbs:
            return stem
    if w.endswith("ies") and w[:-3] + "y" in verbs:
        return w[:-3] + "y"
    return None
def describe(doc, what):
    text = " ".join(doc.strip().split("\n\n")[0].split())
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = (m.group(1) if m else text).rstrip(".!? ")
    words = sentence.split(" ")
    if not (3 <= len(words) <= 30) or not words[0][:1].isupper():
        return None
    if any(s in sentence for s in (">>>", "\u0060", "{", "}", "\\", ":func:", ":class:", ":meth:", "---", "===")):
        return None
    verb = base_verb(words[0])
    return None if verb is None else (sentence, "write a python " + what + " to " + " ".join([verb] + words[1:]))
def is_stub(stmt):
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and stmt.value.value is Ellipsis:
        return True
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        name = exc.id if isinstance(exc, ast.Name) else exc.attr if isinstance(exc, ast.Attribute) else ""
        return name.endswith("NotImplementedError") or "Abstract" in name
    return False
def uses_name(node, name):
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))
def decorated(node, name):
    return any((isinstance(d, ast.Name) and d.id == name) for d in node.decorator_list)
def functions(body, in_class):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node, in_class
        elif isinstance(node, ast.ClassDef):
            yield from functions(node.body, True)
        elif isinstance(node, (ast.If, ast.Try)):
            yield from functions(node.body, in_class)
def extract(tree, counts):
    pairs = []
    for node, method in functions(tree.body, False):
        counts["functions"] += 1
        doc = ast.get_docstring(node)
        if not doc:
            counts["undocumented"] += 1; continue
        if node.name.startswith("__"):
            counts["dunder"] += 1; continue
        if node.name.startswith("_"):
            counts["privateKept"] += 1
        if node.name.startswith("test"):
            counts["testFunction"] += 1; continue
        if len(node.body) < 2:
            counts["docstringOnly"] += 1; continue
        if all(is_stub(s) for s in node.body[1:]):
            counts["stub"] += 1; continue
        kind = "function"
        if method:
            if decorated(node, "staticmethod"):
                kind = "staticmethod"
            else:
                params = node.args.posonlyargs + node.args.args
                if not params:
                    counts["methodWithoutSelf"] += 1; continue
                if any(uses_name(s, params[0].arg) for s in node.body[1:]):
                    kind = "boundmethod"
                else:
                    kind = "method"
                    if node.args.posonlyargs: node.args.posonlyargs = node.args.posonlyargs[1:]
                    else: node.args.args = node.args.args[1:]
        described = describe(doc, "method" if kind == "boundmethod" else "function")
        if described is None:
            counts["descriptionNotAVerbSentence"] += 1; continue
        node.body = node.body[1:]
        node.decorator_list = []
        try:
            code = ast.unparse(node)
        except Exception:
            counts["unparseFailed"] += 1; continue
        if code.count("\n") >= max_lines or len(code) > max_chars:
            counts["codeTooLong"] += 1; continue
        counts["extracted"] += 1
        pairs.append({"name": node.name, "line": node.lineno, "kind": kind, "nl": described[0], "description": described[1], "code": code + "\n"})
    return pairs
COMMENT_SKIP = re.compile(r"^(todo|xxx|fixme|hack|note|noqa|type:|pylint|pragma|fmt:|isort|mypy|flake8|nosec|copyright|license|see\b|e\.g\.|i\.e\.|-\*-|!)", re.I)
def comment_pairs(tree, lines, counts):
    """A comment of 3-30 words on the line(s) right above a statement at the same indentation -> (comment, statement)."""
    pairs = []
    for parent in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(parent, field, None)
            if not isinstance(body, list):
                continue
            for stmt in body:
                if not isinstance(stmt, ast.stmt) or stmt.lineno < 2:
                    continue
                above = []
                k = stmt.lineno - 2
                while k >= 0 and lines[k].strip().startswith("#") and len(above) < 4:
                    above.insert(0, lines[k])
                    k -= 1
                if not above:
                    continue
                counts["commentCandidates"] += 1
                if len(above) > 3 or any(len(l) - len(l.lstrip()) != stmt.col_offset for l in above):
                    counts["commentNotAttached"] += 1; continue
                text = " ".join(l.strip().lstrip("#").strip() for l in above).strip()
                words = text.split()
                if not (3 <= len(words) <= 30) or not text[:1].isalpha() or COMMENT_SKIP.match(text) or "http" in text or text.count("(") != text.count(")"):
                    counts["commentNotADescription"] += 1; continue
                if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Pass)) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
                    counts["commentOnTrivialStatement"] += 1; continue
                try:
                    code = ast.unparse(stmt)
                except Exception:
                    counts["unparseFailed"] += 1; continue
                if code.count("\n") >= 15 or len(code) > 600:
                    counts["commentCodeTooLong"] += 1; continue
                counts["commentExtracted"] += 1
                pairs.append({"name": type(stmt).__name__, "line": stmt.lineno, "kind": "comment", "nl": text, "description": text.rstrip(".:"), "code": code + "\n"})
    return pairs
for line in sys.stdin:
    req = json.loads(line)
    counts = {k: 0 for k in ("functions", "undocumented", "dunder", "privateKept", "testFunction", "docstringOnly", "stub", "methodWithoutSelf", "descriptionNotAVerbSentence", "unparseFailed", "codeTooLong", "extracted", "commentCandidates", "commentNotAttached", "commentNotADescription", "commentOnTrivialStatement", "commentCodeTooLong", "commentExtracted")}
    try:
        tree = ast.parse(req["text"])
    except SyntaxError as e:
        sys.stdout.write(json.dumps({"ok": False, "error": "line %s: %s" % (e.lineno, e.msg)}) + "\n"); sys.stdout.flush(); continue
    except Exception as e:
        sys.stdout.write(json.dumps({"ok": False, "error": type(e).__name__ + ": " + str(e)[:200]}) + "\n"); sys.stdout.flush(); continue
    try:
        # comment pairs first: extract() strips docstrings and decorators from the tree it walks
        pairs = comment_pairs(tree, req["text"].split("\n"), counts) + extract(tree, counts) if req.get("pairs") else []
    except RecursionError:
        pairs = []
        counts["recursionError"] = 1
    sys.stdout.write(json.dumps({"ok": True, "pairs": pairs, "counts": counts}) + "\n")
    sys.stdout.flush()
`;

export interface WorkerPair {
  name: string;
  line: number;
  kind: 'function' | 'method' | 'staticmethod' | 'boundmethod' | 'comment';
  /** The docstring's first sentence as written. */
  nl: string;
  /** "write a python function to <verb> …" (the English→Python set's opening). */
  description: string;
  code: string;
}

export type WorkerAnswer = { ok: true; pairs: WorkerPair[]; counts: Record<string, number> } | { ok: false; error: string };

/** A python3 process answering parse requests in order. */
export class PythonParser {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<{ resolve: (a: WorkerAnswer) => void; reject: (e: Error) => void }> = [];
  private stderr = '';
  private closed: Error | null = null;

  constructor() {
    const exe = pythonExecutable();
    this.child = spawn(exe, ['-I', '-c', WORKER, JSON.stringify([...new Set([...VERBS, ...CORPUS_VERBS])]), String(MAX_LINES), String(MAX_CHARS)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (d: string) => { if (this.stderr.length < 8192) this.stderr += d; });
    this.child.stdin.on('error', () => {});
    this.child.on('error', (e: NodeJS.ErrnoException) => {
      this.fail(e.code === 'ENOENT' ? new UserError(`${exe}: not found; the corpus build needs python3 to parse files (set EN2PY_PYTHON)`) : e);
    });
    readline.createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const w = this.waiting.shift();
      if (w) w.resolve(JSON.parse(line) as WorkerAnswer);
    });
    this.child.on('close', (code) => this.fail(new Error(`${exe} (corpus parser) exited with ${code}: ${this.stderr.trim()}`)));
  }

  private fail(err: Error): void {
    this.closed ??= err;
    for (const w of this.waiting.splice(0)) w.reject(this.closed);
  }

  /** Parses `text`; with `pairs`, also extracts its documented functions. Await the answers in request order. */
  parse(text: string, pairs: boolean): Promise<WorkerAnswer> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(JSON.stringify({ text, pairs }) + '\n');
    });
  }

  /** Resolves once python3 has taken the written requests (backpressure for the caller). */
  drained(): Promise<void> {
    return this.child.stdin.writableNeedDrain ? new Promise((r) => this.child.stdin.once('drain', () => r())) : Promise.resolve();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) { resolve(); return; }
      this.child.removeAllListeners('close');
      this.child.once('close', () => resolve());
      this.child.stdin.end();
    });
  }
}
