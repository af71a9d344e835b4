// The evaluation core of `en2py eval` with injected generations (no model):
// metric wiring on a data split, and execution scoring (MBPP-style and HumanEval-style).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  benchmarkTasks,
  evaluateExecution,
  evaluateGenerations,
  formatExecTable,
  formatSplitTable,
  humanEvalSentence,
  lexerTokens,
  readBenchmark,
  type HumanEvalTask,
  type SplitExample,
} from '../../src/eval/index.js';
import { NO_PYTHON } from '../helpers.js';

const examples: SplitExample[] = [
  { id: 'a', source: 'write a python function to add two numbers', reference: 'def add(a, b):\n    # sum them\n    return a + b\n' },
  { id: 'b', source: 'write a python program to print hello', reference: "print('hello')\n" },
  { id: 'c', source: 'write a python function to square a list', reference: 'def sq(xs):\n    return [x * x for x in xs]\n' },
];

test('lexerTokens: Python lexer tokens, comments dropped, a fallback split for broken code', () => {
  assert.deepEqual(lexerTokens('def f(x):\n  return x  # c\n').tokens, ['def', 'f', '(', 'x', ')', ':', '<nl>', '<indent>', 'return', 'x', '<nl>', '<dedent>']);
  const broken = lexerTokens("print('oops");
  assert.equal(broken.lexed, false);
  assert.ok(broken.tokens.includes('print'));
});

test('evaluateGenerations: outputs equal to gold (after normalization) score exact match 1 and BLEU 100', { skip: NO_PYTHON }, async () => {
  // Same code as the references, laid out differently and without the comment.
  const gens = [{ code: 'def add( a,b ):\n  return a+b\n' }, { code: "print( 'hello' )" }, { code: 'def sq(xs):\n    return [x * x for x in xs]\n' }];
  const teacher = [{ lossSum: 2, tokens: 10, correct: 7 }, { lossSum: 1, tokens: 5, correct: 5 }, { lossSum: 3, tokens: 5, correct: 3 }];
  const { metrics, records } = await evaluateGenerations(examples, gens, teacher);
  assert.equal(metrics.examples, 3);
  assert.equal(metrics.exactMatch, 1);
  assert.ok(Math.abs(metrics.bleu - 100) < 1e-9, `BLEU ${metrics.bleu}`);
  assert.equal(metrics.bleuTokenization, 'BLEU over Python lexer tokens');
  assert.ok(Math.abs(metrics.codebleu.codebleu - 1) < 1e-9, `CodeBLEU ${metrics.codebleu.codebleu}`);
  for (const part of ['ngram', 'weightedNgram', 'syntax', 'dataflow'] as const) assert.ok(Math.abs((metrics.codebleu[part] ?? 1) - 1) < 1e-9, part);
  assert.equal(metrics.syntaxValidity, 1);
  assert.equal(metrics.unkRate, 0);
  assert.equal(metrics.lexFailures, 0);
  assert.ok(Math.abs(metrics.loss! - 6 / 20) < 1e-12);
  assert.ok(Math.abs(metrics.perplexity! - Math.exp(6 / 20)) < 1e-12);
  assert.equal(metrics.tokenAccuracy, 15 / 20);
  assert.equal(metrics.lossTokenization, 'en2py model tokens');
  assert.equal(records.length, 3);
  assert.deepEqual(records.map((r) => [r.id, r.exactMatch, r.syntaxOk]), [['a', true, true], ['b', true, true], ['c', true, true]]);
  assert.equal(records[0].tokenAccuracy, 0.7);
  assert.match(formatSplitTable(metrics), /BLEU over Python lexer tokens \(corpus, 0-100\) \| 100\.00/);
  assert.match(formatSplitTable(metrics), /perplexity \(en2py model tokens\)/);
});

test('evaluateGenerations: wrong, broken and <unk> outputs; no teacher scores without a model', { skip: NO_PYTHON }, async () => {
  const gens = [
    { code: 'def add(a, b):\n    return a - b\n' },
    { code: "print('hel", modelTokens: ['print', '(', "'hel"] },
    { code: 'def sq(xs):\n    return <unk>\n', modelTokens: ['def', 'sq', '<unk>'] },
  ];
  const { metrics, records } = await evaluateGenerations(examples, gens);
  assert.equal(metrics.exactMatch, 0);
  assert.ok(metrics.bleu > 0 && metrics.bleu < 100);
  assert.ok(metrics.codebleu.codebleu > 0 && metrics.codebleu.codebleu < 1);
  assert.equal(metrics.syntaxValidity, 1 / 3);
  assert.equal(metrics.unkRate, 1 / 3);
  assert.equal(metrics.lexFailures, 1);
  assert.equal(metrics.loss, null);
  assert.equal(metrics.tokenAccuracy, null);
  assert.equal(records[1].syntaxOk, false);
  assert.match(records[1].syntaxError ?? '', /Error/);
  assert.doesNotMatch(formatSplitTable(metrics), /perplexity/);
  await assert.rejects(evaluateGenerations(examples, gens.slice(1)), /3 examples but 2 generations/);
});

test('evaluateExecution (benchmark): references pass, a renamed function passes only bound, pass@k from samples', { skip: NO_PYTHON }, async () => {
  const problems = readBenchmark().slice(0, 3);
  const tasks = benchmarkTasks(problems);
  const ps = problems.map((p) => ({ id: p.id, prompt: p.prompt }));
  const rename = (code: string, name: string) => code.replace(new RegExp(`\\b${name}\\b`, 'g'), 'my_solution');
  const samples = problems.map((p, i) => (i === 2 ? [rename(p.reference, p.entryPoint), 'def nope(:\n'] : [p.reference, 'def f(x):\n    return None\n']));
  const { metrics, records } = await evaluateExecution(ps, { kind: 'mbpp', tasks }, samples, { ks: [1, 2, 10] });
  assert.equal(metrics.problems, 3);
  assert.equal(metrics.samplesPerProblem, 2);
  // strict: problems 1 and 2 pass with 1 of 2 samples, problem 3 never (wrong name)
  assert.deepEqual(metrics.passAtK, { 'pass@1': (0.5 + 0.5 + 0) / 3, 'pass@2': 2 / 3 });
  assert.deepEqual(metrics.boundPassAtK, { 'pass@1': 0.5, 'pass@2': 1 });
  assert.equal(metrics.syntaxValidity, 5 / 6);
  assert.match(metrics.strictMeaning, /as written/);
  assert.match(metrics.boundMeaning, /bound/);
  assert.equal(records.length, 3);
  assert.deepEqual(records[2].runs, ['failed', 'failed']);
  assert.equal(records[2].boundRuns[0], 'passed');
  assert.match(records[2].firstError ?? '', /NameError/);
  assert.match(records[2].boundError ?? '', /SyntaxError/); // 'def nope(:' bound to the entry point
  assert.match(records[0].boundError ?? '', /AssertionError/); // 'def f' returning None, bound
  assert.match(formatExecTable(metrics), /pass@2 \(strict: as written\)\s+\| 66\.67 %/);
});

test('evaluateExecution (HumanEval): the output is a whole program; bound binds the entry point', { skip: NO_PYTHON }, async () => {
  const task: HumanEvalTask = {
    taskId: 'HumanEval/x',
    prompt: 'def add(a: int, b: int) -> int:\n    """Add two numbers a and b.\n    >>> add(2, 3)\n    5\n    """\n',
    canonicalSolution: '    return a + b\n',
    test: 'def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n',
    entryPoint: 'add',
  };
  assert.equal(humanEvalSentence(task), 'Add two numbers a and b.');
  const { metrics, records } = await evaluateExecution(
    [{ id: task.taskId, prompt: humanEvalSentence(task) }, { id: 'again', prompt: 'x' }],
    { kind: 'humaneval', tasks: [task, task] },
    [['def add(a, b):\n    return a + b\n'], ['def plus(x, y):\n    return x + y\n']],
  );
  assert.deepEqual(metrics.passAtK, { 'pass@1': 0.5 });
  assert.deepEqual(metrics.boundPassAtK, { 'pass@1': 1 });
  assert.deepEqual(records.map((r) => r.runs[0]), ['passed', 'failed']);
});
