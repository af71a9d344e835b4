/** Every autograd op, in one import. Each lives in ops/<family>.ts. */
export { matmul, linear, type MatmulOptions } from './ops/matmul.js';
export { add, mul, scale, relu, sum, mean } from './ops/elementwise.js';
export { layerNorm } from './ops/norm.js';
export { softmax, booleanToAdditive, type SoftmaxMask } from './ops/softmax.js';
export { dropout } from './ops/dropout.js';
export { embedding } from './ops/embedding.js';
export { crossEntropy, type CrossEntropyOptions, type CrossEntropyResult } from './ops/loss.js';
export { linearCrossEntropy } from './ops/linearLoss.js';
export { reshape, transposeHeads, sliceRows } from './ops/shape.js';
export { attention, type AttentionOptions, type AttentionResult } from './ops/attention.js';
