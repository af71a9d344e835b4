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
