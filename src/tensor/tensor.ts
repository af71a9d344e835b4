/**
 * The tensor: a contiguous row-major Float32Array with a shape, an optional
 * gradient, and the bookkeeping the autograd tape needs. Strides are always the
 * contiguous ones; ops that need another layout copy (or read in place through
 * GEMM leading dimensions, as attention does).
 */
import { allocate, inScope, trackForScope } from './tape.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`bad dimension ${d} in shape [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

export class Tensor {
  readonly shape: Shape;
  readonly size: number;
  data: Float32Array;
  /** The gradient buffer (allocated on first use); its contents are valid only when gradReady. */
  grad: Float32Array | null = null;
  gradReady = false;
  requiresGrad: boolean;
  /** Created inside tidy(): its memory is reused when the scope ends (unless it is returned or kept). */
  readonly scoped: boolean;

  constructor(data: Float32Array, shape: Shape, opts: { requiresGrad?: boolean; scoped?: boolean } = {}) {
    this.shape = [...shape];
    this.size = sizeOf(shape);
    if (data.length !== this.size) {
      throw new Error(`data length ${data.length} does not match shape [${shape.join(', ')}]`);
    }
    this.data = data;
    this.requiresGrad = opts.requiresGrad ?? false;
    this.scoped = opts.scoped ?? false;
    if (this.scoped) trackForScope(this);
  }

  /** A new tensor (contents undefined): in the arena inside tidy(), a plain array outside. */
  static empty(shape: Shape, requiresGrad = false): Tensor {
    const scoped = inScope();
    return new Tensor(allocate(sizeOf(shape), scoped), shape, { requiresGrad, scoped });
  }

  static zeros(shape: Shape, requiresGrad = false): Tensor {
    const t = Tensor.empty(shape, requiresGrad);
    t.data.fill(0);
    return t;
  }

  /** A tensor that owns a copy of the values (never in the arena): inputs, constants, parameters. */
  static from(values: ArrayLike<number>, shape: Shape, requiresGrad = false): Tensor {
    return new Tensor(Float32Array.from(values), shape, { requiresGrad });
  }

  /** A trainable parameter: owns its data and a persistent gradient buffer. */
  static parameter(data: Float32Array, shape: Shape): Tensor {
    const t = new Tensor(data, shape, { requiresGrad: true });
    t.grad = new Float32Array(t.size);
    return t;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item() needs a one-element tensor, got shape [${this.shape.join(', ')}]`);
    return this.data[0];
  }

  /**
   * Where backward writes this tensor's gradient: the buffer, and whether the
   * kernel must add to it (a gradient already arrived) or may overwrite it (first one).
   */
  gradSlot(): { g: Float32Array; accumulate: boolean } {
    if (!this.grad) this.grad = allocate(this.size, this.scoped);
    const accumulate = this.gradReady;
    this.gradReady = true;
    return { g: this.grad, accumulate };
  }

  /**
   * Like gradSlot(), for element-wise backward kernels that may write in place:
   * when this tensor has no gradient buffer yet, it takes over `from`'s (whose
   * backward is running, so nobody reads it again) instead of allocating one.
   */
  gradSlotFrom(from: Tensor): { g: Float32Array; accumulate: boolean } {
    if (!this.grad && !this.gradReady && from.grad && from.size === this.size && from.scoped && this.scoped) {
      this.grad = from.grad;
      from.grad = null;
      from.gradReady = false;
      this.gradReady = true;
      return { g: this.grad, accumulate: false };
    }
    return this.gradSlot();
  }

  /** The gradient with zeros where none arrived (for reading, e.g. in tests). */
  gradOrZeros(): Float32Array {
    if (this.grad && this.gradReady) return this.grad;
    return new Float32Array(this.size);
  }

  /** Called by tidy() when the scope ends: the memory goes back to the arena. */
  release(): void {
    this.grad = null;
    this.gradReady = false;
  }
}
