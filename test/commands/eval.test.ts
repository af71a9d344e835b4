// `en2py eval` on a tiny model trained here: every metric key in range, eval.jsonl
// one line per example, a benchmark and an MBPP run on a few problems, teacher-forced
// loss equal to the trainer's, and bad input answered with one clear line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { en2py, NO_PYTHON, tempDir } from '../helpers.js';
import { writeTinyData, writeTinySpec } from '../train/fixtures.js';
import { loadModel } from '../../src/model/bundle.js';
import { encodePairs } from '../../src/train/data.js';
import { loadRunSplits } from '../../src/train/prepare.js';
import { readSpecFile } from '../../src/train/spec.js';
import { otherSentencePerplexity, teacherForced } from '../../src/train/teacherForced.js';
import { evaluateLoss } from '../../src/train/trainer.js';
import { resolveRecordedPath } from '../../src/util/portablePaths.js';

function noStack(r: { stderr: string }): void {
  assert.doesNotMatch(r.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, `stack trace in: ${r.stderr}`);
}

function jsonl(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

const share = (x: unknown) => typeof x === 'number' && x >= 0 && x <= 1;

function mbppRow(id: number, text: string, code: string, tests: string[]) {
  return JSON.stringify({ text, code, task_id: id, test_setup_code: '', test_list: tests, challenge_test_list: [] });
}

test('eval: data split, benchmark, MBPP and bad input', { skip: NO_PYTHON }, async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'model');
  const data = writeTinyData(dir);
  const spec = writeTinySpec(dir, data, { epochs: 1 });
  const trained = en2py(['train', '--config', spec, '--out', model]);
  assert.equal(trained.status, 0, trained.stderr);

  // Test split, greedy, --json: all keys, values in range, eval.jsonl in the model dir.
  const r = en2py(['eval', '--model', model, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  const testSize = (JSON.parse(readFileSync(path.join(model, 'run.json'), 'utf8')) as { summary: { split: { pairs: { test: number } } } }).summary.split.pairs.test;
  assert.equal(m.set, 'split');
  assert.equal(m.split, 'test');
  assert.equal(m.examples, testSize);
  assert.ok(m.bleu >= 0 && m.bleu <= 100);
  assert.equal(m.bleuTokenization, 'BLEU over Python lexer tokens');
  for (const k of ['codebleu', 'ngram', 'weightedNgram', 'syntax']) assert.ok(share(m.codebleu[k]), `codebleu.${k} = ${m.codebleu[k]}`);
  assert.ok(m.codebleu.dataflow === null || share(m.codebleu.dataflow));
  for (const k of ['exactMatch', 'tokenAccuracy', 'syntaxValidity', 'unkRate']) assert.ok(share(m[k]), `${k} = ${m[k]}`);
  assert.ok(m.loss > 0 && Number.isFinite(m.loss));
  assert.ok(Math.abs(m.perplexity - Math.exp(m.loss)) < 1e-9 * m.perplexity);
  assert.equal(m.lossTokenization, 'en2py model tokens');
  assert.deepEqual(m.decoding, { strategy: 'greedy', beam: 1, maxLen: 256, guard: true, rerank: false, maxRepeats: 4, copyNames: true }, 'syntax-aware greedy by default, names copied');
  assert.equal(resolveRecordedPath(m.evalFile), path.join(model, 'eval.jsonl'), 'recorded relative to the repository');
  const lines = jsonl(path.join(model, 'eval.jsonl'));
  assert.equal(lines.length, testSize);
  for (const l of lines) for (const k of ['id', 'source', 'reference', 'prediction', 'exactMatch', 'sentenceBleu', 'syntaxOk', 'loss', 'tokenAccuracy']) assert.ok(k in l, `eval.jsonl lacks ${k}`);
  assert.ok(!readdirSync(model).some((f) => f.endsWith('.tmp')), 'no temporary file left');

  // The teacher-forced loss is the trainer's validation loss computation, on the same split.
  const loaded = loadModel(model);
  const run = await loadRunSplits(readSpecFile(spec));
  const { examples } = encodePairs(run.splits.test, loaded.srcVocab, loaded.tgtVocab, 64, 64);
  const tf = teacherForced(loaded.model, examples);
  assert.ok(Math.abs(tf.loss - evaluateLoss(loaded.model, examples).loss) < 1e-4, `${tf.loss} vs ${evaluateLoss(loaded.model, examples).loss}`);
  assert.ok(Math.abs(tf.loss - m.loss) < 1e-9);
  // How much the model reads its sentence: each code scored with another pair's sentence.
  assert.ok(m.otherSentence.perplexity > 0 && Math.abs(m.otherSentence.ratio * m.perplexity - m.otherSentence.perplexity) < 1e-9 * m.otherSentence.perplexity);
  assert.ok(Math.abs(otherSentencePerplexity(loaded.model, examples) - m.otherSentence.perplexity) < 1e-9 * m.perplexity);
  assert.notEqual(otherSentencePerplexity(loaded.model, examples), tf.perplexity, 'other sentences change the scores');
  const oneSentence = examples.map((e) => ({ ...e, src: examples[0].src }));
  assert.equal(otherSentencePerplexity(loaded.model, oneSentence), teacherForced(loaded.model, oneSentence).perplexity, 'with one sentence for all, swapping changes nothing');

  // Beam, valid split, a subset, another output folder, and the table.
  const out = path.join(dir, 'out');
  const table = en2py(['eval', '--model', model, '--split', 'valid', '--beam', '2', '--limit', '2', '--out', out]);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /valid split of .*tiny\.txt \(2 examples\), beam 2/);
  assert.match(table.stdout, /BLEU over Python lexer tokens \(corpus, 0-100\)/);
  assert.match(table.stdout, /CodeBLEU[\s\S]*n-gram match[\s\S]*weighted n-gram match[\s\S]*syntax \(AST\) match[\s\S]*data-flow match/);
  assert.match(table.stdout, /perplexity \(en2py model tokens\)/);
  assert.match(table.stdout, /perplexity given another pair's sentence +\| \d+\.\d\d \(\d+\.\d\dx\)/);
  assert.equal(jsonl(path.join(out, 'eval.jsonl')).length, 2);

  // The team benchmark, 3 problems.
  const bench = en2py(['eval', '--model', model, '--benchmark', path.join(process.cwd(), 'benchmarks', 'en2py-bench.jsonl'), '--limit', '3', '--out', out, '--json']);
  assert.equal(bench.status, 0, bench.stderr);
  const b = JSON.parse(bench.stdout);
  assert.equal(b.set, 'benchmark');
  assert.equal(b.problems, 3);
  assert.ok(share(b.passAtK['pass@1']) && share(b.boundPassAtK['pass@1']));
  assert.match(b.strictMeaning, /strict/);
  assert.equal(jsonl(path.join(out, 'eval.jsonl')).length, 3);

  // MBPP: only test-split tasks (11-510), the first --limit by task id, pass@k from samples.
  const mbpp = path.join(dir, 'mbpp.jsonl');
  writeFileSync(mbpp, [
    mbppRow(2, 'Write a function to add 2 to a number.', 'def add_2(x):\n    return x + 2', ['assert add_2(1) == 3']),
    mbppRow(13, 'Write a function to add 3 to a number.', 'def add_3(x):\n    return x + 3', ['assert add_3(1) == 4']),
    mbppRow(11, 'Write a function to add 1 to a number.', 'def add_1(x):\n    return x + 1', ['assert add_1(1) == 2']),
    mbppRow(12, 'Write a function to multiply 2 by a number.', 'def multiply_2(x):\n    return x * 2', ['assert multiply_2(2) == 4']),
    mbppRow(600, 'Write a function to add 4 to a number.', 'def add_4(x):\n    return x + 4', ['assert add_4(1) == 5']),
  ].join('\n') + '\n');
  const mb = en2py(['eval', '--model', model, '--mbpp', mbpp, '--limit', '2', '--samples', '2', '--out', out, '--json']);
  assert.equal(mb.status, 0, mb.stderr);
  const mm = JSON.parse(mb.stdout);
  assert.equal(mm.set, 'mbpp');
  assert.equal(mm.samplesPerProblem, 2);
  assert.deepEqual(Object.keys(mm.passAtK), ['pass@1', 'pass@2']);
  assert.deepEqual(jsonl(path.join(out, 'eval.jsonl')).map((l) => [l.id, (l.samples as string[]).length]), [['mbpp/11', 2], ['mbpp/12', 2]]);
  assert.equal(mm.prompt, 'text');
  assert.equal(jsonl(path.join(out, 'eval.jsonl'))[0].prompt, 'Write a function to add 1 to a number.');
  // The MBPP paper's protocol: the text, then the first test on the next line.
  const mt = en2py(['eval', '--model', model, '--mbpp', mbpp, '--mbpp-prompt', 'text+test', '--limit', '1', '--out', out, '--json']);
  assert.equal(mt.status, 0, mt.stderr);
  assert.equal(JSON.parse(mt.stdout).prompt, 'text+test');
  assert.equal(jsonl(path.join(out, 'eval.jsonl'))[0].prompt, 'Write a function to add 1 to a number.\nassert add_1(1) == 2');

  // Bad input: one line, exit code 2, no stack trace.
  const bad = (args: string[], re: RegExp) => {
    const res = en2py(['eval', ...args]);
    assert.equal(res.status, 2, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, re);
    noStack(res);
  };
  bad(['--model', path.join(dir, 'nope')], /no such model directory/);
  bad(['--model', model, '--data', path.join(dir, 'nope.txt')], /nope\.txt: no such data file/);
  bad(['--model', model, '--split', 'dev'], /unknown split "dev": expected one of train, valid, test/);
  bad(['--model', model, '--mbpp', path.join(process.cwd(), 'benchmarks', 'en2py-bench.jsonl')], /en2py-bench\.jsonl:1: expected MBPP field "text"/);
  bad(['--model', model, '--benchmark', mbpp], /mbpp\.jsonl:1: expected benchmark field "id"/);
  bad(['--model', model, '--mbpp', mbpp, '--benchmark', mbpp], /give one of --benchmark, --mbpp, --humaneval/);
  bad(['--model', model, '--mbpp', mbpp, '--split', 'valid'], /--data and --split are for a data split; with --mbpp leave them out/);
  writeFileSync(path.join(dir, 'empty.jsonl'), '');
  bad(['--model', model, '--humaneval', path.join(dir, 'empty.jsonl')], /no HumanEval problem/);
  // A data file other than the one the model was trained on gives another split.
  const other = path.join(dir, 'other.txt');
  writeFileSync(other, readFileSync(data, 'utf8').split('\n\n').slice(0, 20).join('\n\n'));
  bad(['--model', model, '--data', other], /is not the one the model was trained on .*tiny\.txt/);
  // Without run.json the spec in config.json is used; without both the split cannot be rebuilt.
  const copy = path.join(dir, 'copy');
  mkdirSync(copy);
  for (const f of ['config.json', 'vocab.en.json', 'vocab.py.json', 'model.safetensors']) copyFileSync(path.join(model, f), path.join(copy, f));
  const fromConfig = en2py(['eval', '--model', copy, '--limit', '1', '--json']);
  assert.equal(fromConfig.status, 0, fromConfig.stderr);
  assert.equal(JSON.parse(fromConfig.stdout).examples, 1);
  const config = JSON.parse(readFileSync(path.join(copy, 'config.json'), 'utf8'));
  delete config.training;
  writeFileSync(path.join(copy, 'config.json'), JSON.stringify(config));
  bad(['--model', copy], /no run\.json .* cannot be rebuilt; evaluate it with --benchmark/);
  rmSync(path.join(copy, 'eval.jsonl'), { force: true });
  assert.ok(existsSync(path.join(copy, 'model.safetensors')));
});
