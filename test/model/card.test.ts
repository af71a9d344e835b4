// The model card is generated from the model directory's own files: a run with
// extra data and renamed copies says so, one without does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MODEL_FORMAT } from '../../src/model/bundle.js';
import { modelCard, trainingStages } from '../../src/model/card.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seedConfig } from '../../src/model/config.js';
import { tempDir } from '../helpers.js';

const config = (split: Record<string, unknown>) => ({
  format: MODEL_FORMAT as typeof MODEL_FORMAT,
  model: seedConfig(100, 200),
  parameters: 1234,
  training: { bestEpoch: 3, spec: { data: { splitSeed: 1 }, train: { labelSmoothing: 0.1 } }, data: { file: '/x/english_python_data.txt', split } },
});

test('the card names the extra training pairs and the augmentation', (t) => {
  const dir = tempDir(t);
  const card = modelCard(dir, config({
    pairs: { train: 9000 },
    extra: [
      { source: 'conala', file: '/d/conala-train.json', added: 2367, leakingIntoEvaluation: 0, nearBenchmark: 0 },
      { source: 'mbpp', file: '/d/mbpp.jsonl', added: 372, leakingIntoEvaluation: 1, nearBenchmark: 0 },
      { source: 'functions', file: '/d/functions', added: 1665, leakingIntoEvaluation: 34, nearBenchmark: 0, decontaminated: { mbpp: 12, 'english-python': 17 } },
    ],
    renamedCopies: 3900,
  }), 'npx en2py experiment run e6');
  assert.match(card, /2,367 from conala-train\.json \(CoNaLa's curated train set\); 0 dropped/);
  assert.match(card, /372 from mbpp\.jsonl \(MBPP's training tasks 601-974 only\); 1 dropped/);
  assert.match(card, /1,665 from functions \(the shared functions\/ set: .*30-seconds-of-python \(CC BY 4\.0\)\); 63 dropped .*nearly matching an evaluated item/);
  assert.match(card, /3,900 copies of training pairs with local variables consistently renamed/);
  assert.match(card, /9,000 training pairs in all/);
  assert.match(card, /```bash\nnpx en2py experiment run e6\n```/);

  assert.match(card, /Best epoch: 3 \(by validation loss\)/);

  const plain = modelCard(dir, config({ pairs: { train: 2446 } }), 'retrain');
  assert.doesNotMatch(plain, /Extra training pairs|Augmentation|in all|Number slots/);
  const slots = modelCard(dir, { ...config({}), model: { ...seedConfig(100, 200), numberSlots: true } }, 'retrain');
  assert.match(slots, /Number slots: each distinct number of the sentence is read as `<num0>`/);
  const c = config({});
  const averaged = modelCard(dir, { ...c, training: { ...c.training, averagedEpochs: [14, 15, 16, 17] } }, 'retrain');
  assert.match(averaged, /Weights: the mean of epochs 14, 15, 16, 17 \(checkpoint averaging, `en2py average`\); best single epoch 3/);
});

test('a model trained in stages lists them from each run\'s run.json, earliest first, and says where its vocabularies come from', (t) => {
  const dir = tempDir(t);
  const first = path.join(dir, 'first');
  const second = path.join(dir, 'second');
  mkdirSync(first);
  mkdirSync(second);
  writeFileSync(path.join(first, 'run.json'), JSON.stringify({ description: 'pretraining on the corpus' }));
  writeFileSync(path.join(second, 'run.json'), JSON.stringify({ description: 'then the pairs', init: { model: first } }));
  assert.deepEqual(trainingStages({ init: { model: second } }), [{ from: first, description: 'pretraining on the corpus' }, { from: second, description: 'then the pairs' }]);
  assert.deepEqual(trainingStages({ init: { model: path.join(dir, 'gone') } }), [{ from: path.join(dir, 'gone'), description: null }]);
  assert.deepEqual(trainingStages({}), []);
  const c = config({});
  const card = modelCard(dir, { ...c, training: { ...c.training, spec: { ...c.training.spec, init: { model: second }, description: 'the last stage' } } }, 'retrain');
  assert.match(card, /## Training stages[\s\S]*1\. .*first: pretraining on the corpus\n2\. .*second: then the pairs\n3\. this model: the last stage/);
  assert.match(card, /Vocabularies of the first stage \(.*first\)/);
  assert.doesNotMatch(modelCard(dir, config({}), 'retrain'), /Training stages/);
});
