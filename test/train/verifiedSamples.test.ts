import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Generator } from '../../src/decode/generator.js';
import { readFunctions } from '../../src/data/functions.js';
import { sampleVerified, writeVerified, type TestedTask } from '../../src/train/verifiedSamples.js';
import { NO_PYTHON, tempDir } from '../helpers.js';

const task = (id: string, name: string, body: string): TestedTask => ({
  id, description: `write a function ${name}`, code: `def ${name}(x):\n    return ${body}\n`,
  tests: [`assert ${name}(2) == ${eval(body.replace(/x/g, '2'))}`, `assert ${name}(5) == ${eval(body.replace(/x/g, '5'))}`],
  setup: '', license: 'MIT', origin: `test:${id}`,
});

/** A stand-in for the model: fixed candidates per sentence, counting the calls. */
function fakeGenerator(bySentence: Record<string, string[]>) {
  const calls: string[] = [];
  const generator = {
    generate(sentence: string) {
      calls.push(sentence);
      return { candidates: (bySentence[sentence] ?? []).map((code) => ({ code, tokens: [] })) };
    },
  } as unknown as Generator;
  return { generator, calls };
}

test('verified samples keep the distinct passing programs (renamed when only the name was wrong), write functions/ pairs, and resume', { skip: NO_PYTHON }, async (t) => {
  const dir = tempDir(t);
  const double = task('functions:double', 'double', 'x * 2');
  const square = task('mbpp:700', 'square', 'x * x');
  const samples = {
    [double.description]: [
      'def double(x):\n    return x + x\n', // passes, new
      'def double(x):\n    return x + 1\n', // fails
      'def double(x):\n    return x  +  x\n', // passes, the same tokens as the first
      'def double(x):\n    return x * 2\n', // passes, the reference itself
      'def twice(n):\n    return 2 * n\n', // passes only bound: kept renamed
    ],
    [square.description]: ['def square(x):\n    return x ** 3\n'],
  };
  const first = fakeGenerator(samples);
  const outcomes = await sampleVerified(first.generator, [double, square], dir, { samples: 5, temperature: 0.8, seed: 1, maxLen: 64, chunk: 1 });
  assert.deepEqual(outcomes.map((o) => [o.id, o.tried, o.passed]), [['functions:double', 5, 4], ['mbpp:700', 1, 0]]);
  assert.deepEqual(outcomes[0].kept, ['def double(x):\n    return x + x\n', 'def double(n):\n    return 2 * n\n']);
  assert.deepEqual(outcomes[1].kept, []);

  // A second run finds every task done and samples nothing.
  const again = fakeGenerator(samples);
  const resumed = await sampleVerified(again.generator, [double, square], dir, { samples: 5, temperature: 0.8, seed: 1, maxLen: 64, chunk: 1 });
  assert.equal(again.calls.length, 0);
  assert.deepEqual(resumed, outcomes);

  assert.equal(writeVerified(dir, [double, square], outcomes, 'models/x'), 2);
  const read = readFunctions(dir);
  assert.deepEqual(read.pairs.map((p) => [p.id, p.description, p.testList?.length, p.license]), [
    ['functions:functions:double#1', 'write a function double', 2, 'MIT'],
    ['functions:functions:double#2', 'write a function double', 2, 'MIT'],
  ]);
  assert.match(readFileSync(path.join(dir, 'verified.jsonl'), 'utf8'), /sampled by en2py model models\/x for test:functions:double; passed its tests/);
});
