// `en2py experiment run`: configs are checked before any training, a tiny
// experiment is trained, evaluated and recorded, a rerun skips it, and an
// interrupted one resumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { en2py, NO_PYTHON, tempDir } from '../helpers.js';
import { writeTinyData } from '../train/fixtures.js';

const TINY_MODEL = { dModel: 16, heads: 2, encoderLayers: 1, decoderLayers: 1, ffDim: 32, maxLen: 64 };

/** A folder of experiment configs (data.path relative to it), and the results/runs folders. */
function setup(t: { after: (fn: () => void) => void }, configs: Record<string, unknown>) {
  const dir = tempDir(t);
  const experiments = path.join(dir, 'experiments');
  mkdirSync(experiments);
  writeTinyData(experiments);
  for (const [name, config] of Object.entries(configs)) {
    writeFileSync(path.join(experiments, `${name}.json`), typeof config === 'string' ? config : JSON.stringify(config));
  }
  const results = path.join(dir, 'results');
  const runs = path.join(dir, 'runs');
  return { experiments, results, runs, flags: ['--experiments', experiments, '--results', results, '--runs', runs, '--no-mbpp', '--eval-limit', '3'] };
}

const tiny = (train: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  description: 'tiny',
  preset: 'seed',
  model: TINY_MODEL,
  data: { path: 'tiny.txt', minFreq: 1 },
  train: { epochs: 2, batchSize: 4, checkpointEvery: 2, lr: 3e-3, ...train },
  ...extra,
});

test('bad experiment configs fail before any training, naming the key', (t) => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['unknown-key', { ...tiny(), trian: {} }, /unknown-key\.json: .*trian/],
    ['nested-unknown', tiny({ epocs: 3 }), /nested-unknown\.json: train: .*epocs/],
    ['wrong-type', tiny({ epochs: 'many' }), /wrong-type\.json: train\.epochs: .*number/],
    ['missing-data', { ...tiny(), data: { path: 'nowhere.txt' } }, /missing-data\.json: data\.path: no such data file/],
    ['glove-width', tiny({}, { embeddings: { source: { vectors: 'glove', freeze: true } } }), /glove-width\.json: model\.srcEmbeddingDim: must be 100/],
    ['bad-vectors', tiny({}, { embeddings: { target: { vectors: 'fasttext', freeze: true } } }), /bad-vectors\.json: embeddings\.target\.vectors/],
    ['not-json', '{ "preset": ', /not-json\.json: not valid JSON/],
  ];
  for (const [name, config, expected] of cases) {
    const s = setup(t, { good: tiny(), [name]: config });
    // The good experiment comes first in the list; it must not start training before the bad one is found.
    const r = en2py(['experiment', 'run', 'good', name, ...s.flags]);
    assert.equal(r.status, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, expected, name);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: one line, no stack trace: ${r.stderr}`);
    assert.ok(!existsSync(s.runs) && !existsSync(s.results), `${name}: nothing was trained or written`);
  }
  const s = setup(t, { good: tiny() });
  const unknown = en2py(['experiment', 'run', 'nope', ...s.flags]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no experiment "nope".*known: good/);
});

test('an experiment is trained, evaluated and recorded; a rerun skips it; a changed config is refused', { skip: NO_PYTHON }, (t) => {
  const s = setup(t, { tiny: tiny() });
  const r = en2py(['experiment', 'run', '--all', ...s.flags]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /tiny: done/);
  const out = path.join(s.results, 'tiny');
  for (const f of ['config.json', 'metrics.jsonl', 'result.json', 'test.json', 'benchmark.json', 'test/eval.jsonl', 'benchmark/eval.jsonl']) {
    assert.ok(existsSync(path.join(out, f)), `${f} written`);
  }
  assert.ok(!existsSync(path.join(out, 'mbpp.json')), 'MBPP skipped with --no-mbpp');
  const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
  assert.equal(result.training.epochs, 2);
  assert.equal(readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').length, 2);
  assert.ok(result.wallSeconds > 0 && result.training.stepSeconds > 0 && result.evalSeconds > 0);
  assert.ok(result.training.validSeconds > 0, 'validation time recorded');
  assert.equal(result.eval.test.examples, 3);
  assert.equal(typeof result.eval.test.bleu, 'number');
  assert.equal(result.eval.benchmark.problems, 3);
  assert.equal(result.eval.mbpp, null);
  assert.match(result.commit.hash ?? '', /^([0-9a-f]{40})?$/);
  assert.ok(result.machine.cores > 0 && result.machine.cpu.length > 0);
  assert.equal(result.config.train.epochs, 2);

  const again = en2py(['experiment', 'run', 'tiny', ...s.flags]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /tiny: skipped/);
  assert.equal(readFileSync(path.join(out, 'result.json'), 'utf8'), JSON.stringify(result, null, 2) + '\n', 'result untouched');

  writeFileSync(path.join(s.experiments, 'tiny.json'), JSON.stringify(tiny({ epochs: 3 })));
  const changed = en2py(['experiment', 'run', 'tiny', ...s.flags]);
  assert.equal(changed.status, 2);
  assert.match(changed.stderr, /different config/);
});

test('an interrupted experiment resumes where it stopped', { skip: NO_PYTHON }, (t) => {
  const s = setup(t, { tiny: tiny() });
  const killed = en2py(['experiment', 'run', 'tiny', ...s.flags], { EN2PY_TEST_KILL_AFTER_STEP: '5' });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  assert.ok(!existsSync(path.join(s.results, 'tiny', 'result.json')));
  const resumed = en2py(['experiment', 'run', 'tiny', ...s.flags]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /tiny: resuming/);
  assert.match(resumed.stderr, /resuming .* step 4/);
  const result = JSON.parse(readFileSync(path.join(s.results, 'tiny', 'result.json'), 'utf8'));
  assert.equal(result.training.epochs, 2);
  assert.deepEqual(readdirSync(s.runs), ['tiny']);
});

test('an experiment another live process is running is not started twice', (t) => {
  const s = setup(t, { tiny: tiny() });
  mkdirSync(path.join(s.runs, 'tiny'), { recursive: true });
  writeFileSync(path.join(s.runs, 'tiny', 'run.lock'), `${process.pid} ${os.hostname()}\n`); // this test process: alive
  const r = en2py(['experiment', 'run', 'tiny', ...s.flags]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`tiny is being run by process ${process.pid}`));
  assert.ok(!existsSync(path.join(s.runs, 'tiny', 'checkpoint.safetensors')), 'nothing trained');
});

test('experiment list says running only while the lock holder lives', (t) => {
  const s = setup(t, { tiny: tiny() });
  const listFlags = ['--experiments', s.experiments, '--results', s.results, '--runs', s.runs];
  const status = () => {
    const r = en2py(['experiment', 'list', ...listFlags]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split(/\s+/)[1];
  };
  mkdirSync(path.join(s.runs, 'tiny'), { recursive: true });
  writeFileSync(path.join(s.runs, 'tiny', 'run.lock'), `${process.pid} ${os.hostname()}\n`);
  assert.equal(status(), 'running');
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(path.join(s.runs, 'tiny', 'run.lock'), `${dead.stdout} ${os.hostname()}\n`);
  assert.equal(status(), 'pending');
});
