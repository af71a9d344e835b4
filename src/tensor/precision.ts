/**
 * The precision of matrix products: "fp32", or "bf16" (mixed precision: products
 * take bfloat16 inputs on the CPU's matrix units and accumulate and write
 * float32; weights, optimizer state, layer norm, softmax and the loss stay
 * float32). The engine starts in fp32; commands choose with resolvePrecision().
 *
 * Weights are converted to bf16 once and reused until they change: Adam.update()
 * and loadWeights() call weightsChanged(), which invalidates every copy.
 */
import { K, kernelBackend } from './kernels/index.js';
import { BF16_MIN_MACS, type MatmulInfo } from './kernels/types.js';
import { allocate, currentScope, isScopeOpen } from './tape.js';
import type { Tensor } from './tensor.js';

export type Precision = 'fp32' | 'bf16';
export const PRECISIONS: readonly Precision[] = ['fp32', 'bf16'];

let current: Precision = 'fp32';

/**
 * The smallest product (multiply-adds) that bf16 mode sends to the matrix units;
 * EN2PY_BF16_MIN_MACS overrides it (tests set 0 to put tiny models on the bf16 path).
 */
function bf16MinMacs(): number {
  const env = process.env.EN2PY_BF16_MIN_MACS;
  return env !== undefined && env !== '' && Number.isFinite(Number(env)) ? Number(env) : BF16_MIN_MACS;
}

let minMacs = BF16_MIN_MACS;

export function setPrecision(p: Precision): void {
  const info = p === 'bf16' && kernelBackend().name === 'native' ? K().matmulInfo() : null;
  if (info && !info.bf16) {
    // Allowed (oneDNN emulates it), but the user should know it will be slow.
    process.emitWarning(`bf16 was asked for, but this CPU has no bf16 units (${info.isa}); it will be slow`, {
      code: 'EN2PY_SLOW_BF16',
    });
  }
  current = p;
  minMacs = bf16MinMacs();
  K().setMatmulPrecision(p === 'bf16', minMacs);
}

export function getPrecision(): Precision {
  return current;
}

/** What runs the matrix products on this machine (library, instruction set, bf16 support). */
export function matmulInfo(): MatmulInfo {
  return K().matmulInfo();
}

/** The precision to use: the one asked for, or (for "auto" / undefined) bf16 where the CPU has bf16 units. */
export function resolvePrecision(requested: Precision | 'auto' | undefined): Precision {
  if (requested === 'fp32' || requested === 'bf16') return requested;
  return matmulInfo().bf16 ? 'bf16' : 'fp32';
}

/** One line for logs: "bf16 matrix products (oneDNN 2.6.3, brg:avx512_core_amx_bf16)". */
export function describePrecision(p: Precision = current): string {
  const info = matmulInfo();
  const impl = p === 'bf16' ? info.bf16Impl : info.fp32Impl;
  const why = p === 'fp32' && !info.bf16 ? `; no bf16 units on this CPU (${info.isa})` : '';
  return `${p} matrix products (${info.library}, ${impl}${why})`;
}

let weightsEpoch = 0;

/** Every cached bf16 copy of a weight is stale from now on (the weights were written). */
export function weightsChanged(): void {
  weightsEpoch++;
}

interface Bf16Copy {
  source: Float32Array;
  epoch: number;
  bits: Uint16Array;
}
const copies = new WeakMap<Tensor, Bf16Copy>();

/** In bf16 mode, the weight's bf16 copy (made at most once per weightsChanged()); null in fp32 mode. */
export function bf16Weight(weight: Tensor): Uint16Array | null {
  if (current !== 'bf16') return null;
  let copy = copies.get(weight);
  if (!copy || copy.source !== weight.data || copy.bits.length !== weight.size) {
    copy = { source: weight.data, epoch: -1, bits: new Uint16Array(weight.size) };
    copies.set(weight, copy);
  }
  if (copy.epoch !== weightsEpoch) {
    K().toBf16(weight.data, copy.bits, weight.size);
    copy.epoch = weightsEpoch;
  }
  return copy.bits;
}

/**
 * In bf16 mode, x (n floats) rounded to bf16 once, for an operand that feeds
 * several products: each product would otherwise round it again, and at the
 * seed shapes those conversions (6 bytes of memory traffic an element) took a
 * fifth of a bf16 step. `macs`: the multiply-adds of the smallest product it
 * feeds; below the bf16 threshold that product stays float32, so no copy is
 * made. Null in fp32 mode. Inside tidy() the copy lives in the arena, so it is
 * valid as long as the tensors of the same scope (and their backward closures).
 */
export function bf16Copy(x: Float32Array, n: number, macs: number): Uint16Array | null {
  const bits = bf16Buffer(n, macs);
  if (bits) K().toBf16(x, bits, n);
  return bits;
}

/** A product of `macs` multiply-adds runs on bf16 inputs (the rule native/src/gemm.cc follows). */
export function runsInBf16(macs: number): boolean {
  return current === 'bf16' && macs >= minMacs;
}

/** Room for n bf16 values when a product of `macs` multiply-adds runs in bf16 (else null); see bf16Copy. */
export function bf16Buffer(n: number, macs: number): Uint16Array | null {
  if (!runsInBf16(macs)) return null;
  const holder = allocate(Math.ceil(n / 2), true);
  return new Uint16Array(holder.buffer, holder.byteOffset, n);
}

interface ActivationCopy {
  source: Float32Array;
  scope: object | null;
  bits: Uint16Array;
}
const activationCopies = new WeakMap<Tensor, ActivationCopy>();

/**
 * bf16Copy for a tensor that several ops read, e.g. the input of the query, key
 * and value projections: converted once, then shared while the tensor's data
 * and the tidy() scope that holds the copy are both unchanged. Tensors are not
 * written after the op that makes them, so a copy stays exact that long.
 */
export function bf16Of(t: Tensor, macs: number): Uint16Array | null {
  if (!runsInBf16(macs)) return null;
  const cached = activationCopies.get(t);
  if (cached && cached.source === t.data && isScopeOpen(cached.scope)) return cached.bits;
  const bits = bf16Copy(t.data, t.size, macs)!;
  activationCopies.set(t, { source: t.data, scope: currentScope(), bits });
  return bits;
}
