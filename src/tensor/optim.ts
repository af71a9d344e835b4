/** Adam (with L2 or decoupled weight decay) and global-norm gradient clipping. */
import { K } from './kernels/index.js';
import { weightsChanged } from './precision.js';
import type { Tensor } from './tensor.js';

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** AdamW-style decay applied to the weights rather than added to the gradient. */
  decoupled?: boolean;
}

export class Adam {
  readonly params: Tensor[];
  readonly m: Float32Array[];
  readonly v: Float32Array[];
  step = 0;
  lr: number;
  private readonly opts: Required<Omit<AdamOptions, 'lr'>>;

  constructor(params: Tensor[], opts: AdamOptions) {
    this.params = params;
    this.m = params.map((p) => new Float32Array(p.size));
    this.v = params.map((p) => new Float32Array(p.size));
    this.lr = opts.lr;
    this.opts = {
      beta1: opts.beta1 ?? 0.9,
      beta2: opts.beta2 ?? 0.999,
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 0,
      decoupled: opts.decoupled ?? false,
    };
  }

  /**
   * Update every parameter that received a gradient, then mark gradients consumed.
   * gradScale multiplies every gradient first (clipGradScale's factor): the same
   * numbers as scaling the gradients in place, without that pass over them.
   */
  update(gradScale = 1): void {
    this.step++;
    const k = K();
    const { beta1, beta2, eps, weightDecay, decoupled } = this.opts;
    this.params.forEach((p, i) => {
      if (!p.gradReady || !p.grad) return; // like torch: no gradient, no update
      k.adam(p.data, p.grad, this.m[i], this.v[i], p.size, this.lr, beta1, beta2, eps, weightDecay, decoupled, this.step, gradScale);
    });
    zeroGrad(this.params);
    weightsChanged();
  }
}

/** Forget gradients (O(1) per parameter: the next backward overwrites instead of adding). */
export function zeroGrad(params: Tensor[]): void {
  for (const p of params) p.gradReady = false;
}

/** The global L2 norm of all gradients. */
export function gradNorm(params: Tensor[]): number {
  const k = K();
  let total = 0;
  for (const p of params) if (p.gradReady && p.grad) total += k.sumSquares(p.grad, p.size);
  return Math.sqrt(total);
}

/** The clipping factor for a global norm (as torch.nn.utils.clip_grad_norm_ computes it), 1 when no clipping is needed. */
function clipFactor(norm: number, maxNorm: number): number {
  const factor = maxNorm / (norm + 1e-6);
  return factor < 1 ? factor : 1;
}

/**
 * The factor that brings the gradients' global norm to at most maxNorm, 1 when it
 * is already below: pass it to Adam.update() to clip without rewriting the gradients.
 */
export function clipGradScale(params: Tensor[], maxNorm: number): number {
  return clipFactor(gradNorm(params), maxNorm);
}

/** Scale all gradients so their global norm is at most maxNorm (torch.nn.utils.clip_grad_norm_). Returns the norm before. */
export function clipGradNorm(params: Tensor[], maxNorm: number): number {
  const norm = gradNorm(params);
  const factor = clipFactor(norm, maxNorm);
  if (factor < 1) {
    const k = K();
    for (const p of params) if (p.gradReady && p.grad) k.scale(p.grad, p.grad, p.size, factor, false);
  }
  return norm;
}
