// Result files and model directories record no path of the machine that wrote
// them: files inside the repository relative to it, other files by name and sha256.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeRecordedFile, portablePath, portablePaths, repoRelative, resolveRecordedPath } from '../../src/util/portablePaths.js';
import { en2py, NO_PYTHON, repoRoot, tempDir } from '../helpers.js';
import { writeTinyData, writeTinySpec } from '../train/fixtures.js';

test('portablePath: inside the repository relative to it, an outside file by name and sha256', (t) => {
  const root = repoRoot();
  assert.equal(portablePath(path.join(root, 'benchmarks', 'en2py-bench.jsonl')), 'benchmarks/en2py-bench.jsonl');
  assert.equal(resolveRecordedPath('benchmarks/en2py-bench.jsonl'), path.join(root, 'benchmarks', 'en2py-bench.jsonl'));
  const outside = path.join(tempDir(t), 'data.txt');
  writeFileSync(outside, 'hello\n');
  const sha256 = createHash('sha256').update('hello\n').digest('hex');
  assert.deepEqual(portablePath(outside), { name: 'data.txt', sha256 });
  assert.equal(describeRecordedFile({ name: 'data.txt', sha256 }, true), `data.txt (sha256 ${sha256.slice(0, 12)}…)`);
  // Something outside that is not a file (a folder, nothing) keeps a path, relative to the repository.
  assert.equal(portablePath(path.dirname(outside)), repoRelative(path.dirname(outside)));
  assert.ok(repoRelative(path.dirname(outside)).startsWith('../'));
  // Tokens that are absolute paths to the letter are not paths (vocabularies and code hold them).
  assert.deepEqual(portablePaths(['/', '//', '/=', '/ 2', '/tmp']), ['/', '//', '/=', '/ 2', '/tmp']);
  // Walked through objects and arrays; only absolute path strings change.
  assert.deepEqual(portablePaths({ a: [outside, 'models/default', 'a sentence'], b: { c: path.join(root, 'README.md'), n: 3 } }),
    { a: [{ name: 'data.txt', sha256 }, 'models/default', 'a sentence'], b: { c: 'README.md', n: 3 } });
});

/** Every string in a JSON value that is an absolute path, with where it is. */
function absolutePaths(value: unknown, where = ''): string[] {
  if (typeof value === 'string') return path.isAbsolute(value) ? [`${where}: ${value}`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => absolutePaths(v, `${where}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => absolutePaths(v, `${where}.${k}`));
  return [];
}

test('train and eval record the data file by name and sha256 and no absolute path (except the spec as given)', { skip: NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  const data = writeTinyData(dir);
  const model = path.join(dir, 'model');
  const trained = en2py(['train', '--config', writeTinySpec(dir, data, { epochs: 1 }), '--out', model]);
  assert.equal(trained.status, 0, trained.stderr);
  const record = { name: path.basename(data), sha256: createHash('sha256').update(readFileSync(data)).digest('hex') };
  const run = JSON.parse(readFileSync(path.join(model, 'run.json'), 'utf8'));
  assert.deepEqual(run.data.resolvedPath, record);
  assert.deepEqual(run.summary.file, record);
  const { data: { path: givenPath, ...restOfData }, ...restOfRun } = run;
  assert.equal(givenPath, data, 'the spec keeps the path it was given');
  assert.deepEqual(absolutePaths({ ...restOfRun, data: restOfData }), []);
  const config = JSON.parse(readFileSync(path.join(model, 'config.json'), 'utf8'));
  assert.deepEqual(config.training.data.file, record);

  const out = path.join(dir, 'eval');
  const evaluated = en2py(['eval', '--model', model, '--limit', '3', '--out', out, '--json']);
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const summary = JSON.parse(evaluated.stdout);
  assert.deepEqual(summary.data, record);
  assert.equal(summary.evalFile, repoRelative(path.join(out, 'eval.jsonl')));
  assert.deepEqual(absolutePaths(summary), []);

  // The data file is found again by the usual search and checked against its sha256.
  writeFileSync(data, readFileSync(data, 'utf8') + '\n# write a python function to return 1\ndef one():\n    return 1\n');
  const changed = en2py(['eval', '--model', model, '--limit', '3', '--out', out, '--json'], { EN2PY_DATA: data });
  assert.equal(changed.status, 2);
  assert.match(changed.stderr, /not the data file the model was trained on \(tiny[^ ]* \(sha256 [0-9a-f]{12}…\)\); pass that file with --data/);
});
