/**
 * Reverse-mode autograd and memory scopes.
 *
 * Every op whose inputs need gradients appends a node (a backward closure) to
 * one global tape; backward() runs the tape in reverse. Ops check `isGradEnabled()`
 * so inference (noGrad) records nothing.
 *
 * tidy(fn) is the memory discipline (as in TensorFlow.js): every pooled tensor
 * created inside fn goes back to the pool when fn returns, except what fn returns
 * (a tensor, or tensors inside a plain array/object) and what was passed to keep().
 */
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

/** Forget recorded ops without running them (e.g. after an evaluation pass). */
export function clearTape(): void {
  tape = [];
}

export function trackForScope(t: Tensor): void {
  const scope = scopes[scopes.length - 1];
  if (scope) scope.push(t);
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
  const tapeLength = tape.length;
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const survivors = new Set<Tensor>();
  collect(result, survivors);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (survivors.has(t) || kept.has(t)) {
      if (parent && !kept.has(t)) parent.push(t);
      continue;
    }
    t.dispose();
  }
  // Nodes recorded inside the scope refer to disposed tensors: drop them.
  if (tape.length > tapeLength) tape.length = tapeLength;
  return result;
}
