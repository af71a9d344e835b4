// In bf16 mode the ops round an operand that feeds several products to bf16 once
// and hand the copy to each product (bf16Copy in src/tensor/precision.ts). A copy
// that was stale, too short or of the wrong buffer would change the numbers, so a
// training step of a small transformer must give exactly the gradients it gives
// when every product rounds its own float32 inputs. (The output layer's logit
// gradients exist only as bf16 in this mode, written by the loss kernel, so the
// products that read them keep that copy; test/tensor/kernels.test.ts checks it.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { K, kernelBackend } from '../../src/tensor/kernels/index.js';
import { Rng, tidy, backward, setPrecision } from '../../src/tensor/index.js';
import { Seq2SeqTransformer, type Batch } from '../../src/model/transformer.js';
import { seedConfig } from '../../src/model/config.js';

const skip = kernelBackend().name === 'native' ? false : 'native addon unavailable';

function gradientsOfOneStep(model: Seq2SeqTransformer, batch: Batch): Float32Array[] {
  const params = model.params.list();
  for (const p of params) p.grad = null;
  return tidy(() => {
    backward(model.loss(batch).loss);
    return params.map((p) => p.gradOrZeros().slice());
  });
}

test('a bf16 step with the ops\' bf16 copies gives the gradients of products that round their own inputs', { skip }, () => {
  const saved = process.env.EN2PY_BF16_MIN_MACS;
  process.env.EN2PY_BF16_MIN_MACS = '0'; // every product of this small model on the bf16 path
  const kernels = K() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const { gemm } = kernels;
  try {
    setPrecision('bf16');
    const rng = new Rng(3);
    const config = { ...seedConfig(60, 70), dModel: 32, heads: 4, encoderLayers: 1, decoderLayers: 1, ffDim: 64,
      dropout: 0, attentionDropout: 0 }; // two calls, one dropout mask each: no dropout
    const model = new Seq2SeqTransformer(config, 7);
    model.training = true;
    const ids = (n: number, v: number) => Int32Array.from({ length: n }, () => 4 + rng.int(v - 4));
    const batch: Batch = { batch: 3, srcLen: 5, tgtLen: 9, src: ids(15, 60), tgtIn: ids(27, 70), tgtOut: ids(27, 70) };

    let copiesPassed = 0;
    kernels.gemm = (...a: unknown[]) => {
      if (a[13] || a[14]) copiesPassed++;
      return gemm(...a);
    };
    const withCopies = gradientsOfOneStep(model, batch);
    assert.ok(copiesPassed > 10, `the ops passed bf16 copies ${copiesPassed} times`);

    // The same step with every copy dropped: each product converts its inputs itself.
    const V = config.tgtVocab;
    const readsLogitGradients = (tA: boolean, M: number, Kd: number) => (tA ? M === V : Kd === V);
    kernels.gemm = (...a: unknown[]) =>
      readsLogitGradients(a[0] as boolean, a[2] as number, a[4] as number) ? gemm(...a.slice(0, 14)) : gemm(...a.slice(0, 13));
    const withoutCopies = gradientsOfOneStep(model, batch);
    withCopies.forEach((g, i) => assert.deepEqual(g, withoutCopies[i], `parameter ${i}`));
  } finally {
    kernels.gemm = gemm;
    setPrecision('fp32');
    if (saved === undefined) delete process.env.EN2PY_BF16_MIN_MACS;
    else process.env.EN2PY_BF16_MIN_MACS = saved;
  }
});
