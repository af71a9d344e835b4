/**
 * Element-wise ops. Broadcasting is over leading dims only: b's shape must be a
 * suffix of a's (e.g. [B, T, D] + [D], or [B, T, D] + [T, D]).
 */
import { K } from '../kernels/index.js';
import { record } from '../tape.js';
import { Tensor, type Shape } from '../tensor.js';

function checkSuffix(op: string, a: Shape, b: Shape): void {
  const ok = b.length <= a.length && b.every((d, i) => d === a[a.length - b.length + i]);
  if (!ok) throw new Error(`${op}: shape [${b}] does not broadcast over [${a}] (it must be a suffix)`);
}

/** a + b, b broadcast over a's leading dims. */
export function add(a: Tensor, b: Tensor): Tensor {
  checkSuffix('add', a.shape, b.shape);
  const out = Tensor.empty(a.shape);
  const k = K();
  k.add(a.data, b.data, out.data, a.size, b.size, false);
  record(out, [a, b], () => {
    const dy = out.grad!;
    // b first: a may take over dy's buffer (the residual path then costs no copy).
    if (b.requiresGrad) {
      const { g, accumulate } = b.gradSlot();
      if (b.size === a.size) k.scale(dy, g, b.size, 1, accumulate);
      else k.sumRows(dy, a.size / b.size, b.size, g, accumulate);
    }
    if (a.requiresGrad) {
      const { g, accumulate } = a.gradSlotFrom(out);
      if (g !== dy || accumulate) k.scale(dy, g, a.size, 1, accumulate);
    }
  });
  return out;
}

/** a ⊙ b, b broadcast over a's leading dims. */
export function mul(a: Tensor, b: Tensor): Tensor {
  checkSuffix('mul', a.shape, b.shape);
  const out = Tensor.empty(a.shape);
  const k = K();
  k.mul(a.data, b.data, out.data, a.size, b.size, false);
  record(out, [a, b], () => {
    const dy = out.grad!;
    if (a.requiresGrad) {
      const { g, accumulate } = a.gradSlot();
      k.mul(dy, b.data, g, a.size, b.size, accumulate);
    }
    if (b.requiresGrad) {
      const { g, accumulate } = b.gradSlot();
      if (b.size === a.size) k.mul(dy, a.data, g, a.size, a.size, accumulate);
      else k.mulSumRows(dy, a.data, a.size / b.size, b.size, g, accumulate);
    }
  });
  return out;
}

/** s · x for a constant s. */
export function scale(x: Tensor, s: number): Tensor {
  const out = Tensor.empty(x.shape);
  const k = K();
  k.scale(x.data, out.data, x.size, s, false);
  record(out, [x], () => {
    const dy = out.grad!;
    const { g, accumulate } = x.gradSlotFrom(out);
    k.scale(dy, g, x.size, s, accumulate);
  });
  return out;
}

export function relu(x: Tensor): Tensor {
  const out = Tensor.empty(x.shape);
  const k = K();
  k.relu(x.data, out.data, x.size);
  record(out, [x], () => {
    const dy = out.grad!;
    const { g, accumulate } = x.gradSlotFrom(out);
    k.reluBackward(out.data, dy, g, x.size, accumulate);
  });
  return out;
}

/** The sum of all elements, as a one-element tensor. */
export function sum(x: Tensor): Tensor {
  const out = Tensor.empty([1]);
  out.data[0] = K().sum(x.data, x.size);
  record(out, [x], () => {
    const { g, accumulate } = x.gradSlot();
    const d = out.grad![0];
    if (accumulate) for (let i = 0; i < x.size; i++) g[i] += d;
    else g.fill(d);
  });
  return out;
}

/** The mean of all elements, as a one-element tensor. */
export function mean(x: Tensor): Tensor {
  return scale(sum(x), 1 / x.size);
}
