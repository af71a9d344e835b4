/** The tensor engine: tensors, autograd, ops, optimiser. */
export { Tensor, sizeOf, type Shape } from './tensor.js';
export { backward, noGrad, tidy, keep, isGradEnabled } from './tape.js';
export * from './ops.js';
export { Adam, clipGradNorm, clipGradScale, gradNorm, zeroGrad, type AdamOptions } from './optim.js';
export { Rng } from './random.js';
export { arena } from './arena.js';
export { kernelBackend } from './kernels/index.js';
export { setPrecision, getPrecision, resolvePrecision, describePrecision, matmulInfo, weightsChanged, PRECISIONS, type Precision } from './precision.js';
