// Plain progress lines (CI, pipes): one per quarter; a resumed epoch neither
// repeats the quarters done before the restart nor counts them in its ETA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress } from '../../src/train/progress.js';

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
