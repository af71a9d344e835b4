// The Python → English reviewer (model.direction py2en): trained on the same pairs turned round,
// saved with each vocabulary under its language's name, refused where an English → Python model
// is needed, and scoring candidates as the teacher-forced loss of the sentence given each code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadModel } from '../../src/model/bundle.js';
import { chooseCoderReviewer, coderLogProbPerToken, reviewerLogProbs } from '../../src/decode/reviewer.js';
import { prepareData } from '../../src/train/prepare.js';
import { readSpecFile } from '../../src/train/spec.js';
import { teacherForced } from '../../src/train/teacherForced.js';
import { train } from '../../src/train/trainer.js';
import { tempDir } from '../helpers.js';
import { writeTinyData, writeTinySpec } from '../train/fixtures.js';

test('a py2en reviewer trains on the pairs turned round and scores the sentence given each candidate', async (t) => {
  const dir = tempDir(t);
  const spec = readSpecFile(writeTinySpec(dir, writeTinyData(dir), { epochs: 12, seed: 3 }));
  spec.model = { ...spec.model, direction: 'py2en', numberSlots: true };
  const out = path.join(dir, 'reviewer');
  const data = await prepareData(spec, out, { resume: false });
  // The encoder reads code: its vocabulary is the Python one, the decoder's the English words.
  assert.ok(data.srcVocab.has('def') && !data.srcVocab.has('write'), 'source vocabulary holds Python tokens');
  assert.ok(data.tgtVocab.has('write') && !data.tgtVocab.has('def'), 'target vocabulary holds English words');
  const first = data.train[0];
  assert.equal(first.tgt.length, data.splits.train[0].description.split(' ').length + 1, 'the target is the sentence and its end');
  train(spec, out, data, { resume: false, log: () => {} });

  // Files keep their language's name whichever side reads them.
  const enWords = JSON.parse(readFileSync(path.join(out, 'vocab.en.json'), 'utf8')) as unknown;
  assert.ok(JSON.stringify(enWords).includes('"write"'), 'vocab.en.json holds the English words');
  assert.throws(() => loadModel(out), /Python → English reviewer model .*needs an English → Python model/);
  const reviewer = loadModel(out, { direction: 'py2en' });
  assert.equal(reviewer.srcVocab.size, data.srcVocab.size);
  assert.equal(reviewer.tgtVocab.size, data.tgtVocab.size);

  const sentence = 'write a python function to multiply 7 by a number';
  const codes = [
    'def multiply_7(x):\n    return x * 7\n',
    'def add_7(x):\n    return x + 7\n',
    "def broken(x):\n    return 'unterminated\n",
  ];
  const scores = reviewerLogProbs(reviewer, sentence, codes);
  assert.equal(scores[2], -Infinity, 'code the lexer cannot read gets no score');
  // The same numbers as the teacher-forced loss of the reversed pairs.
  const { examples } = await import('../../src/train/data.js').then((m) => m.encodePairs(
    codes.slice(0, 2).map((code, i) => ({ id: String(i), description: sentence, code })), reviewer.srcVocab, reviewer.tgtVocab, 256, 64, { numberSlots: true, reverse: true }));
  const tf = teacherForced(reviewer.members, examples);
  tf.perExample.forEach((e, i) => assert.ok(Math.abs(scores[i] + e.lossSum / e.tokens) < 1e-9, `candidate ${i}`));
  // Trained on these pairs, the reviewer finds "multiply" better explained by the code that multiplies.
  assert.ok(scores[0] > scores[1], `multiply ${scores[0]} vs add ${scores[1]}`);
});

test('the coder-reviewer choice adds the two per-token scores among the eligible candidates', () => {
  assert.equal(coderLogProbPerToken({ logProb: -6, tokens: ['a', 'b'] }), -2, 'the end counts as a token');
  const coder = [-0.1, -0.5, -0.2, -0.01];
  const reviewer = [-3, -1, -1.5, -Infinity];
  assert.equal(chooseCoderReviewer(coder, reviewer), 1, '-1.5 beats -1.7 and -3.1; no score is never chosen');
  assert.equal(chooseCoderReviewer(coder, reviewer, (i) => i !== 1), 2);
  assert.equal(chooseCoderReviewer(coder, reviewer, () => false), -1);
});
