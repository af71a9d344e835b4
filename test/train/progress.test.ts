// Plain progress lines (CI, pipes): one per quarter, and one at least every five
// minutes between them; a resumed epoch neither
// repeats the quarters done before the restart nor counts them in its ETA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, PLAIN_LINE_EVERY_MS } from '../../src/train/progress.js';

function captured() {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => { lines.push(s); return true; } } as unknown as NodeJS.WriteStream;
  return { lines, stream };
}

test('plain progress prints each quarter once', () => {
  const { lines, stream } = captured();
  const p = createProgress('epoch 1/2', 8, stream);
  for (let i = 1; i <= 8; i++) p.update(i);
  assert.deepEqual(lines.map((l) => l.split(' (')[0]), ['epoch 1/2 25%', 'epoch 1/2 50%', 'epoch 1/2 75%', 'epoch 1/2 100%']);
});

test('a resumed epoch starts at the next quarter and estimates from its own pace', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const { lines, stream } = captured();
  const p = createProgress('epoch 4/20', 160, stream, 115);
  p.update(116);
  assert.equal(lines.length, 0, 'the 25% and 50% lines were printed before the restart');
  t.mock.timers.tick(10_000); // 5 batches in 10 s: 40 left take 80 s
  p.update(120);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^epoch 4\/20 75% \(120\/160\), 10 s elapsed, ETA 80 s/);
  p.update(160);
  assert.match(lines[1], /^epoch 4\/20 100% \(160\/160\), \d+ s elapsed, ETA 0 s/);
});

test('between quarters, a plain line comes at least every five minutes, so a long epoch is never silent for long', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const { lines, stream } = captured();
  const p = createProgress('epoch 1/2', 1000, stream);
  p.update(10);
  t.mock.timers.tick(PLAIN_LINE_EVERY_MS - 1);
  p.update(20);
  assert.equal(lines.length, 0, 'not before five minutes');
  t.mock.timers.tick(1);
  p.update(30);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^epoch 1\/2 3% \(30\/1000\), 300 s elapsed, ETA 9700 s/);
  p.update(40);
  assert.equal(lines.length, 1, 'the clock restarts at each line');
  t.mock.timers.tick(PLAIN_LINE_EVERY_MS);
  p.update(250);
  assert.deepEqual(lines.slice(1).map((l) => l.split(' (')[0]), ['epoch 1/2 25%'], 'a quarter line counts as the line of its moment');
});
