// A run spec recorded with a result (resolved, then JSON) must resolve to the
// same spec as its config file, or every finished experiment would look changed
// and be refused on the next `experiment run`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listExperimentNames, readExperiment } from '../../src/experiments/registry.js';
import { resolveSpec } from '../../src/train/spec.js';

const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

test('resolving a recorded spec again gives the same spec, for every experiment config', () => {
  const names = listExperimentNames();
  assert.ok(names.length > 0);
  for (const name of names) {
    const spec = readExperiment(name).spec;
    const again = resolveSpec(plain(spec), `recorded ${name}`);
    assert.deepEqual(plain(again), plain(spec), name);
  }
  // The smallest configs: no model section at all, and an empty one.
  assert.deepEqual(plain(resolveSpec(plain(resolveSpec({}, 'a')), 'b')), plain(resolveSpec({}, 'a')));
  assert.deepEqual(plain(resolveSpec({ model: {} }, 'c')), plain(resolveSpec({}, 'a')));
});

test('an experiment config that trains a reviewer (py2en) is refused, pointing to en2py train', async (t) => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'en2py-exp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'r9.json'), JSON.stringify({ model: { direction: 'py2en' } }));
  writeFileSync(path.join(dir, 'e9.json'), JSON.stringify({ model: { direction: 'en2py' } }));
  assert.throws(() => readExperiment('r9', dir), /r9\.json: model\.direction: py2en trains a code → English reviewer.*en2py train --config/);
  assert.equal(readExperiment('e9', dir).spec.model.direction, 'en2py');
});
