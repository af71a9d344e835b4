// The native kernels against the TypeScript reference, on random shapes:
// relative error under 1e-4 for every kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNativeKernels } from '../../src/tensor/kernels/native.js';
import { bf16ToFloat, referenceKernels as ref } from '../../src/tensor/kernels/reference.js';
import type { Kernels } from '../../src/tensor/kernels/types.js';
import { Rng } from '../../src/tensor/random.js';

const loaded = loadNativeKernels();
const nat: Kernels | null = 'kernels' in loaded ? loaded.kernels : null;
const skip = nat ? false : `native addon unavailable (${'error' in loaded ? loaded.error : ''}); build it with npm run build:native`;

test('the native addon is built when CI requires it', { skip: process.env.EN2PY_REQUIRE_NATIVE !== '1' }, () => {
  assert.ok(nat, 'EN2PY_REQUIRE_NATIVE=1 but the addon did not load');
});

const rng = new Rng(1234);
const rand = (n: number, scale = 1) => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
const dim = (lo: number, hi: number) => lo + rng.int(hi - lo + 1);

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let maxAbs = 0;
  let maxErr = 0;
  for (let i = 0; i < expected.length; i++) maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(maxAbs, 1e-6);
    if (err > maxErr || Number.isNaN(actual[i]) !== Number.isNaN(expected[i])) maxErr = Number.isNaN(err) ? Infinity : err;
  }
  assert.ok(maxErr < tol, `${what}: relative error ${maxErr} ≥ ${tol}`);
}

/** Run a kernel on both backends with identical copies of the inputs; compare the listed outputs. */
function compare(name: string, make: () => unknown[], outputs: number[], call: (k: Kernels, args: unknown[]) => unknown) {
  const args = make();
  const clone = (xs: unknown[]) => xs.map((x) => (ArrayBuffer.isView(x) ? (x as Float32Array).slice() : x));
  const a = clone(args);
  const b = clone(args);
  const ra = call(nat!, a);
  const rb = call(ref, b);
  for (const i of outputs) close(a[i] as Float32Array, b[i] as Float32Array, `${name} output ${i}`);
  if (typeof rb === 'number') close([ra as number], [rb], `${name} result`);
}

test('gemm: every transpose combination, odd shapes, alpha/beta, leading dims', { skip }, () => {
  for (let trial = 0; trial < 12; trial++) {
    const tA = trial % 2 === 1;
    const tB = Math.floor(trial / 2) % 2 === 1;
    const M = dim(1, 40), N = dim(1, 40), K = dim(1, 40);
    const lda = (tA ? M : K) + (trial % 3);
    const ldb = (tB ? K : N) + (trial % 2);
    const ldc = N + 1;
    const rowsA = tA ? K : M, rowsB = tB ? N : K;
    compare('gemm', () => [rand(rowsA * lda), rand(rowsB * ldb), rand(M * ldc)], [2], (k, [A, B, C]) =>
      k.gemm(tA, tB, M, N, K, 0.7, A as Float32Array, lda, B as Float32Array, ldb, trial % 3 === 0 ? 0 : 0.5, C as Float32Array, ldc));
  }
});

test('gemm with one row (the GEMV path used when decoding one token), every transpose', { skip }, () => {
  for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
    const N = 37, K = 29;
    const lda = tA ? 3 : K; // transposed A: a column of a K x 3 matrix
    const ldb = (tB ? K : N) + 2;
    compare('gemm M=1', () => [rand(tA ? K * lda : K), rand((tB ? N : K) * ldb), rand(N)], [2], (k, [A, B, C]) =>
      k.gemm(tA, tB, 1, N, K, 1.5, A as Float32Array, lda, B as Float32Array, ldb, 0.5, C as Float32Array, N));
  }
});

test('gemmBatched: heads read in place with two-level strides, as attention calls it', { skip }, () => {
  for (const [B, H, T, dh] of [[2, 3, 5, 4], [4, 8, 17, 8], [1, 1, 9, 3], [3, 8, 120, 32]]) {
    const D = H * dh;
    const S = (x: unknown) => x as Float32Array;
    // scores = Q·Kᵀ per head: A, B in [B, T, D] layout, C in [B, H, T, T]
    compare('gemmBatched scores', () => [rand(B * T * D), rand(B * T * D), rand(B * H * T * T)], [2], (k, [q, kk, s]) =>
      k.gemmBatched(false, true, T, T, dh, 0.5, S(q), D, T * D, dh, S(kk), D, T * D, dh, 0, S(s), T, H * T * T, T * T, B, H));
    // out = P·V per head, written back into [B, T, D]
    compare('gemmBatched context', () => [rand(B * H * T * T), rand(B * T * D), rand(B * T * D)], [2], (k, [p, v, o]) =>
      k.gemmBatched(false, false, T, dh, T, 1, S(p), T, H * T * T, T * T, S(v), D, T * D, dh, 1, S(o), D, T * D, dh, B, H));
    // dV = Pᵀ·dO per head (transposed A), accumulated
    compare('gemmBatched transposed', () => [rand(B * H * T * T), rand(B * T * D), rand(B * T * D)], [2], (k, [p, d, o]) =>
      k.gemmBatched(true, false, T, dh, T, 1, S(p), T, H * T * T, T * T, S(d), D, T * D, dh, 1, S(o), D, T * D, dh, B, H));
  }
});

test('element-wise and reduction kernels', { skip }, () => {
  for (const [n, m] of [[1, 1], [12, 4], [70144, 256], [65536, 65536]]) {
    for (const acc of [false, true]) {
      compare('add', () => [rand(n), rand(m), rand(n)], [2], (k, [a, b, o]) => k.add(a as Float32Array, b as Float32Array, o as Float32Array, n, m, acc));
      compare('mul', () => [rand(n), rand(m), rand(n)], [2], (k, [a, b, o]) => k.mul(a as Float32Array, b as Float32Array, o as Float32Array, n, m, acc));
      compare('scale', () => [rand(n), rand(n)], [1], (k, [x, o]) => k.scale(x as Float32Array, o as Float32Array, n, -1.5, acc));
      compare('sumRows', () => [rand(n), rand(m)], [1], (k, [x, o]) => k.sumRows(x as Float32Array, n / m, m, o as Float32Array, acc));
      compare('mulSumRows', () => [rand(n), rand(n), rand(m)], [2], (k, [x, y, o]) =>
        k.mulSumRows(x as Float32Array, y as Float32Array, n / m, m, o as Float32Array, acc));
      compare('reluBackward', () => [rand(n), rand(n), rand(n)], [2], (k, [y, dy, dx]) =>
        k.reluBackward(y as Float32Array, dy as Float32Array, dx as Float32Array, n, acc));
    }
    compare('sumSquares', () => [rand(n)], [], (k, [x]) => k.sumSquares(x as Float32Array, n));
    compare('sum', () => [rand(n)], [], (k, [x]) => k.sum(x as Float32Array, n));
    compare('relu', () => [rand(n), rand(n)], [1], (k, [x, o]) => k.relu(x as Float32Array, o as Float32Array, n));
  }
});

test('dropout: identical masks in native and reference, and the right keep rate', { skip }, () => {
  const n = 100003;
  const args = () => [rand(n), new Float32Array(n), new Uint8Array(n)];
  const a = args(), b = [a[0], new Float32Array(n), new Uint8Array(n)];
  nat!.dropout(a[0] as Float32Array, a[1] as Float32Array, a[2] as Uint8Array, n, 0.1, 987654321);
  ref.dropout(b[0] as Float32Array, b[1] as Float32Array, b[2] as Uint8Array, n, 0.1, 987654321);
  assert.deepEqual(a[2], b[2]);
  close(a[1] as Float32Array, b[1] as Float32Array, 'dropout out');
  const kept = (a[2] as Uint8Array).reduce((s, x) => s + x, 0) / n;
  assert.ok(Math.abs(kept - 0.9) < 0.01, `keep rate ${kept}`);
  const dx1 = rand(n), dx2 = dx1.slice(), dy = rand(n);
  nat!.dropoutBackward(dy, a[2] as Uint8Array, dx1, n, 0.1, true);
  ref.dropoutBackward(dy, b[2] as Uint8Array, dx2, n, 0.1, true);
  close(dx1, dx2, 'dropoutBackward');
});

test('layer norm forward and backward', { skip }, () => {
  for (const [rows, cols] of [[1, 3], [7, 33], [640, 256]]) {
    compare('layerNorm', () => [rand(rows * cols, 3), rand(cols), rand(cols), new Float32Array(rows * cols), new Float32Array(rows), new Float32Array(rows)],
      [3, 4, 5], (k, [x, g, b, o, mu, rs]) => k.layerNorm(x as Float32Array, g as Float32Array, b as Float32Array, o as Float32Array, mu as Float32Array, rs as Float32Array, rows, cols, 1e-5));
    const x = rand(rows * cols, 3), g = rand(cols);
    const mu = new Float32Array(rows), rs = new Float32Array(rows);
    ref.layerNorm(x, g, rand(cols), new Float32Array(rows * cols), mu, rs, rows, cols, 1e-5);
    for (const acc of [false, true]) {
      compare('layerNormBackward', () => [rand(rows * cols), x, g, mu, rs, rand(rows * cols), rand(cols), rand(cols)], [5, 6, 7],
        (k, [dy, xx, gg, m, r, dx, dg, db]) => k.layerNormBackward(dy as Float32Array, xx as Float32Array, gg as Float32Array,
          m as Float32Array, r as Float32Array, dx as Float32Array, dg as Float32Array, db as Float32Array, rows, cols, acc, acc));
    }
  }
});

test('softmax with additive, causal and fully-masked rows; backward', { skip }, () => {
  for (const [B, H, Tq, Tk] of [[2, 2, 3, 5], [4, 8, 20, 20], [2, 1, 7, 7]]) {
    const rows = B * H * Tq;
    const mask = rand(B * Tk, 2);
    mask[0] = -Infinity; // one masked key
    if (Tk === 5) mask.fill(-Infinity, 0, Tk); // batch 0 fully masked
    for (const causal of [0, Tq]) {
      compare('softmax', () => [rand(rows * Tk, 4), new Float32Array(rows * Tk)], [1], (k, [x, o]) =>
        k.softmax(x as Float32Array, o as Float32Array, rows, Tk, mask, H * Tq, B, causal));
    }
    compare('softmax no mask', () => [rand(rows * Tk, 4), new Float32Array(rows * Tk)], [1], (k, [x, o]) =>
      k.softmax(x as Float32Array, o as Float32Array, rows, Tk, null, 1, 1, 0));
    const y = new Float32Array(rows * Tk);
    ref.softmax(rand(rows * Tk), y, rows, Tk, null, 1, 1, 0);
    for (const acc of [false, true]) {
      compare('softmaxBackward', () => [y, rand(rows * Tk), rand(rows * Tk)], [2], (k, [yy, dy, dx]) =>
        k.softmaxBackward(yy as Float32Array, dy as Float32Array, dx as Float32Array, rows, Tk, acc));
    }
  }
});

test('fused attention, forward and backward: key mask, causal, dropout, Tq ≠ Tk, a key/value cache, accumulation', { skip }, () => {
  const F = (x: unknown) => x as Float32Array;
  for (const [B, H, Tq, Tk, dh, cap] of [[2, 3, 5, 7, 4, 7], [3, 8, 17, 17, 8, 17], [2, 8, 120, 120, 32, 120], [2, 2, 1, 6, 4, 9]]) {
    const D = H * dh;
    // Source-padding style mask: the last key of batch 0 dropped, and every key of batch 1 when Tq is 1.
    const keyMask = Float32Array.from({ length: B * Tk }, (_, i) => (i === Tk - 1 || (Tq === 1 && i >= Tk && i < 2 * Tk) ? -Infinity : 0));
    for (const [causal, p, mask] of [[false, 0, null], [true, 0, null], [false, 0.2, keyMask], [Tq === Tk, 0.1, keyMask]] as const) {
      const what = `B${B} H${H} Tq${Tq} Tk${Tk}${cap > Tk ? ` cache ${cap}` : ''}${causal ? ' causal' : ''}${p ? ` dropout ${p}` : ''}${mask ? ' masked' : ''}`;
      compare(`attentionForward ${what}`,
        () => [rand(B * Tq * D), rand(B * cap * D), rand(B * cap * D), rand(B * Tq * D), rand(B * H * Tq * Tk)], [3, 4],
        (k, [q, kk, v, out, probs]) => k.attentionForward(F(q), F(kk), F(v), F(out), F(probs), B, Tq, Tk, H, dh, cap * D, mask, causal, p, 7, 0.3));
      if (cap !== Tk) continue; // backward is for training, where the cache is full
      const probs = new Float32Array(B * H * Tq * Tk);
      ref.attentionForward(rand(B * Tq * D), rand(B * Tk * D), rand(B * Tk * D), new Float32Array(B * Tq * D), probs, B, Tq, Tk, H, dh, Tk * D, mask, causal, p, 7, 0.3);
      for (const accumulate of [false, true]) {
        compare(`attentionBackward ${what}${accumulate ? ' accumulating' : ''}`,
          () => [rand(B * Tq * D), rand(B * Tk * D), rand(B * Tk * D), probs, rand(B * Tq * D), rand(B * Tq * D), rand(B * Tk * D), rand(B * Tk * D)], [5, 6, 7],
          (k, [q, kk, v, pr, dO, dq, dk, dv]) => k.attentionBackward(F(q), F(kk), F(v), F(pr), F(dO), F(dq), F(dk), F(dv),
            accumulate, accumulate, !accumulate, B, Tq, Tk, H, dh, Tk * D, p, 7, 0.3));
      }
      // Only the value gradient asked for (frozen queries and keys).
      compare(`attentionBackward ${what} dv only`,
        () => [rand(B * Tq * D), rand(B * Tk * D), rand(B * Tk * D), probs, rand(B * Tq * D), rand(B * Tk * D)], [5],
        (k, [q, kk, v, pr, dO, dv]) => k.attentionBackward(F(q), F(kk), F(v), F(pr), F(dO), null, null, F(dv),
          false, false, false, B, Tq, Tk, H, dh, Tk * D, p, 7, 0.3));
    }
  }
});

test('cross-entropy: plain, ignore index, label smoothing, focal, class weights', { skip }, () => {
  for (const [rows, vocab] of [[5, 7], [64, 8449]]) {
    const targets = Int32Array.from({ length: rows }, (_, i) => (i % 4 === 3 ? 0 : rng.int(vocab)));
    const weights = Float32Array.from({ length: vocab }, () => 0.5 + rng.next());
    for (const [smoothing, gamma, w] of [[0, 0, null], [0.1, 0, null], [0, 2, null], [0, 0, weights], [0.1, 0, weights], [0, 0.5, weights]] as const) {
      const logits = rand(rows * vocab, 5);
      const ga = new Float32Array(rows * vocab), gb = new Float32Array(rows * vocab);
      const ra = new Float64Array(2), rb = new Float64Array(2);
      nat!.crossEntropy(logits, targets, rows, vocab, 0, smoothing, gamma, w, ga, 0.25, ra);
      ref.crossEntropy(logits, targets, rows, vocab, 0, smoothing, gamma, w, gb, 0.25, rb);
      close(ga, gb, `crossEntropy grad s=${smoothing} g=${gamma}`);
      close(ra, rb, `crossEntropy loss s=${smoothing} g=${gamma}`);
      const rn = new Float64Array(2);
      nat!.crossEntropy(logits, targets, rows, vocab, 0, smoothing, gamma, w, null, 1, rn);
      close(rn, rb, 'crossEntropy without gradient');
    }
  }
});

test('cross-entropy for the output layer\'s blocks: bias added in place, bias gradient summed, gradient as bf16', { skip }, () => {
  for (const [rows, vocab] of [[5, 7], [67, 8449]]) {
    const targets = Int32Array.from({ length: rows }, (_, i) => (i % 4 === 3 ? 0 : rng.int(vocab)));
    const z = rand(rows * vocab, 5), bias = rand(vocab), db0 = rand(vocab);
    // Unfused: add the bias, the loss with a float32 gradient, sum its rows.
    const biased = z.slice();
    ref.add(biased, bias, biased, rows * vocab, vocab, false);
    const g = new Float32Array(rows * vocab), r0 = new Float64Array(2);
    ref.crossEntropy(biased, targets, rows, vocab, 0, 0.1, 0, null, g, 0.25, r0);
    const db = db0.slice();
    ref.sumRows(g, rows, vocab, db, true);
    for (const k of [nat!, ref]) {
      for (const withFp32 of [false, true]) {
        const logits = z.slice(), dbK = db0.slice(), gradBf16 = new Uint16Array(rows * vocab), r = new Float64Array(2);
        const gradK = withFp32 ? new Float32Array(rows * vocab) : null;
        k.crossEntropy(logits, targets, rows, vocab, 0, 0.1, 0, null, gradK, 0.25, r, bias, dbK, gradBf16);
        const what = `${k.name} ${rows}x${vocab}${withFp32 ? ' with the float32 gradient too' : ''}`;
        close(logits, biased, `${what}: logits with the bias`);
        close(r, r0, `${what}: loss`);
        close(dbK, db, `${what}: bias gradient`);
        if (gradK) close(gradK, g, `${what}: float32 gradient`);
        // Each gradient element is the float32 one rounded to bf16: within bf16's
        // half step (at most 2^-8 of the value), plus float32 noise where the gradient is near 0.
        const largest = g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const worst = gradBf16.reduce((w, b, i) => Math.max(w, Math.abs(bf16ToFloat(b) - g[i]) - Math.abs(g[i]) * 2 ** -8), 0);
        assert.ok(worst <= 1e-5 * largest, `${what}: a bf16 gradient is ${worst} further from the float32 one than rounding explains`);
      }
    }
  }
});

test('embedding gather and scatter-add, permute0213, adam', { skip }, () => {
  const vocab = 50, d = 16, n = 300;
  const ids = Int32Array.from({ length: n }, () => rng.int(vocab));
  ids[5] = -1; // out of range: zeros, no gradient
  compare('embedding', () => [rand(vocab * d), new Float32Array(n * d)], [1], (k, [t, o]) =>
    k.embedding(t as Float32Array, ids, o as Float32Array, n, d, vocab));
  compare('embeddingBackward', () => [rand(n * d), rand(vocab * d)], [1], (k, [dy, dt]) =>
    k.embeddingBackward(dy as Float32Array, ids, dt as Float32Array, n, d, vocab));
  for (const acc of [false, true]) {
    compare('permute0213', () => [rand(2 * 3 * 4 * 5), rand(120)], [1], (k, [x, o]) =>
      k.permute0213(x as Float32Array, o as Float32Array, 2, 3, 4, 5, acc));
  }
  for (const [wd, dec] of [[0, false], [0.01, false], [0.01, true]] as const) {
    compare('adam', () => [rand(1000), rand(1000), rand(1000, 0.1), Float32Array.from(rand(1000), Math.abs)], [0, 2, 3], (k, [p, g, m, v]) =>
      k.adam(p as Float32Array, g as Float32Array, m as Float32Array, v as Float32Array, 1000, 1e-3, 0.9, 0.999, 1e-8, wd, dec, 7));
  }
});

test('the addon rejects arrays too short for the shapes given', { skip }, () => {
  assert.throws(() => nat!.gemm(false, false, 4, 4, 4, 1, new Float32Array(15), 4, new Float32Array(16), 4, 0, new Float32Array(16), 4), /too short/);
  assert.throws(() => nat!.add(new Float32Array(8), new Float32Array(3), new Float32Array(8), 8, 3, false), /divide/);
});

test('without the addon the engine falls back to the reference kernels and warns once, naming the fix', async () => {
  const { spawnSync } = await import('node:child_process');
  const { CLI } = await import('../helpers.js');
  const r = spawnSync(process.execPath, [CLI, 'info', '--json'], {
    encoding: 'utf8',
    env: { ...process.env, EN2PY_ADDON_PATH: '/nonexistent/en2py_native.node' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).backend, 'reference');
  assert.equal(r.stderr.match(/EN2PY_NO_NATIVE/g)?.length, 1, r.stderr);
  assert.match(r.stderr, /\/nonexistent\/en2py_native\.node is missing/);
  assert.match(r.stderr, /apt-get install build-essential libopenblas-dev libdnnl-dev && npm run build:native/);
});
