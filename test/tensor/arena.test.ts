// The tensor arena is a stack over reusable chunks: memory taken inside a scope
// is reused after it, and a long run of batches of changing shapes stops
// allocating once the largest shapes have been seen (it used to add a chunk
// each time a position needed more, and grew without bound in real training).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/tensor/arena.js';
import { Rng } from '../../src/tensor/random.js';

/** One fake training step: a few ordinary tensors and some bigger than a chunk, sized by the batch shape. */
function step(arena: Arena, length: number): void {
  const mark = arena.mark();
  for (let layer = 0; layer < 3; layer++) {
    arena.take(100 * length); // activations
    arena.take(900 * length); // logits-sized: larger than an ordinary chunk for long batches
  }
  arena.release(mark);
}

test('memory of a released scope is reused', () => {
  const arena = new Arena(1024);
  const mark = arena.mark();
  const a = arena.take(100);
  arena.release(mark);
  const b = arena.take(100);
  assert.equal(a.buffer, b.buffer);
  assert.equal(a.byteOffset, b.byteOffset);
});

test('batches of changing shapes: allocation stops and the chunk count stays bounded', () => {
  const arena = new Arena(1024);
  const rng = new Rng(7);
  const lengths = Array.from({ length: 400 }, () => 1 + rng.int(40));
  lengths.forEach((len) => step(arena, len));
  const settled = arena.stats();
  assert.ok(settled.chunks <= 6 * 2, `${settled.chunks} chunks for a stack of 6 tensors`);
  // The same shapes again: nothing new is allocated.
  lengths.forEach((len) => step(arena, len));
  assert.equal(arena.stats().allocations, settled.allocations, 'no allocation once every shape was seen');
  const largest = Math.max(...lengths);
  assert.ok(settled.capacityBytes <= 4 * 3 * (100 + 900) * largest * 2 + 4 * 1024 * 12, `capacity ${settled.capacityBytes} bytes is about one largest step`);
});
