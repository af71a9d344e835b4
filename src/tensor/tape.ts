/**
 * Reverse-mode autograd and memory scopes.
 *
 * Every op whose inputs need gradients appends a node (a backward closure) to
 * one global tape; backward() runs the tape in reverse. Ops check
 * `isGradEnabled()` so inference (noGrad) records nothing.
 *
 * tidy(fn) is the memory discipline (as in TensorFlow.js): tensors created
 * inside fn live in the arena (arena.ts) and their memory is reused as soon as
 * fn returns, except the tensors fn returns (alone, or in a plain array/object)
 * and those passed to keep(): those are copied out and stay valid. Return
 * tensors or plain values, never a tensor's `.data` view. Gradients do not flow
 * across a tidy() boundary: call backward() inside the scope that built the loss.
 * Outside any tidy(), tensors are ordinary garbage-collected arrays.
 */
import { arena } from './arena.js';
import { K } from './kernels/index.js';
import type { Tensor } from './tensor.js';

interface Node {
  output: Tensor;
  backward: () => void;
}

let tape: Node[] = [];
let gradEnabled = true;
const scopes: Tensor[][] = [];

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run fn with gradient recording off (inference). */
export function noGrad<T>(fn: () => T): T {
  const saved = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = saved;
  }
}

/** Record an op's backward closure if any input needs a gradient; marks the output. */
export function record(output: Tensor, inputs: readonly Tensor[], backward: () => void): void {
  if (!gradEnabled || !inputs.some((t) => t.requiresGrad)) return;
  output.requiresGrad = true;
  tape.push({ output, backward });
}

/**
 * Back-propagate from a scalar: d(loss)/d(loss) = seed (default 1), then every
 * recorded node in reverse order. Clears the tape.
 */
export function backward(loss: Tensor, seed = 1): void {
  if (loss.size !== 1) throw new Error(`backward() needs a scalar loss, got shape [${loss.shape.join(', ')}]`);
  if (!loss.requiresGrad) throw new Error('backward(): the loss does not depend on any parameter');
  const { g } = loss.gradSlot();
  g[0] = seed;
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.output.gradReady) node.backward();
  }
  tape = [];
}

/** True inside tidy(): new tensors then live in the arena. */
export function inScope(): boolean {
  return scopes.length > 0;
}

/** The innermost open tidy() scope (an identity to compare), or null outside tidy(). */
export function currentScope(): object | null {
  return scopes[scopes.length - 1] ?? null;
}

/** Whether a scope from currentScope() is still open, so memory taken in it is still valid. */
export function isScopeOpen(scope: object | null): boolean {
  return scope === null || scopes.includes(scope as Tensor[]);
}

/** Memory for a tensor (or its gradient) of n floats: the arena inside tidy(), a plain array outside. */
export function allocate(n: number, scoped: boolean): Float32Array {
  if (scoped && inScope()) return arena.take(n);
  return n >= 1 << 18 ? new Float32Array(K().allocate(n * 4)) : new Float32Array(n);
}

export function trackForScope(t: Tensor): void {
  scopes[scopes.length - 1]?.push(t);
}

const kept = new WeakSet<Tensor>();

/** Keep a tensor alive past the enclosing tidy(). */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t);
  return t;
}

function collect(value: unknown, out: Set<Tensor>): void {
  if (value && typeof value === 'object') {
    if ('gradSlot' in value && 'shape' in value) out.add(value as Tensor);
    else if (Array.isArray(value)) for (const v of value) collect(v, out);
    else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, out);
  }
}

export function tidy<T>(fn: () => T): T {
  const scope: Tensor[] = [];
  scopes.push(scope);
  const mark = arena.mark();
  const tapeLength = tape.length;
  let result: T;
  try {
    result = fn();
  } catch (err) {
    close(scope, mark, tapeLength, new Set());
    throw err;
  }
  const survivors = new Set<Tensor>();
  collect(result, survivors);
  close(scope, mark, tapeLength, survivors);
  return result;
}

function close(scope: Tensor[], mark: number, tapeLength: number, survivors: Set<Tensor>): void {
  scopes.pop();
  // Copy survivors out before their memory is reused.
  const moving: Array<{ t: Tensor; data: Float32Array; grad: Float32Array | null }> = [];
  for (const t of scope) {
    if (survivors.has(t) || kept.has(t)) {
      moving.push({ t, data: t.data.slice(), grad: t.grad && t.gradReady ? t.grad.slice() : null });
    } else {
      t.release();
    }
  }
  arena.release(mark);
  const parent = scopes[scopes.length - 1];
  for (const { t, data, grad } of moving) {
    if (parent) {
      t.data = allocate(data.length, true);
      t.data.set(data);
      t.grad = grad ? allocate(grad.length, true) : null;
      if (grad) t.grad!.set(grad);
      parent.push(t);
    } else {
      t.data = data;
      t.grad = grad;
    }
    t.gradReady = grad !== null;
  }
  // Nodes recorded inside the scope refer to released tensors: drop them.
  if (tape.length > tapeLength) tape.length = tapeLength;
}
