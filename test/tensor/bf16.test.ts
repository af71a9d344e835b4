// bf16 matrix products (mixed precision on the CPU's matrix units, through oneDNN):
// against the float32 reference within bf16's tolerance, and against the
// reference's own bf16 emulation (same rounded inputs) to float32 accuracy.
// Where the CPU has no bf16 units the native checks skip; the fp32 path is
// forced in a child process (ONEDNN_MAX_CPU_ISA=AVX2) so it is covered anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { loadNativeKernels } from '../../src/tensor/kernels/native.js';
import { bf16ToFloat, floatToBf16, referenceKernels as ref } from '../../src/tensor/kernels/reference.js';
import type { Kernels } from '../../src/tensor/kernels/types.js';
import { Rng } from '../../src/tensor/random.js';

const loaded = loadNativeKernels();
const nat: Kernels | null = 'kernels' in loaded ? loaded.kernels : null;
const hasBf16Units = !!nat && nat.matmulInfo().bf16;
const skip = !nat
  ? 'native addon unavailable; build it with npm run build:native'
  : !hasBf16Units
    ? `this CPU has no bf16 units (oneDNN ISA ${nat.matmulInfo().isa}); bf16 products are checked on machines with AMX or AVX512-BF16`
    : false;

const rng = new Rng(77);
const rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);

/** max |a - b| / max |b| */
function relErr(a: Float32Array, b: Float32Array): number {
  let maxAbs = 0;
  let maxErr = 0;
  for (let i = 0; i < b.length; i++) maxAbs = Math.max(maxAbs, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]));
  return maxErr / maxAbs;
}

test('bf16 rounding: nearest, ties to even, NaN and infinities kept', () => {
  assert.equal(floatToBf16(1), 0x3f80);
  assert.equal(bf16ToFloat(0x3f80), 1);
  // 1 + 2^-8 lies exactly between two bf16 values: ties go to the even one (1.0).
  assert.equal(bf16ToFloat(floatToBf16(1 + 2 ** -8)), 1);
  // 1 + 3·2^-8 lies between 1 + 2^-7 (odd) and 1 + 2^-6 (even): up to the even one.
  assert.equal(bf16ToFloat(floatToBf16(1 + 3 * 2 ** -8)), 1 + 2 ** -6);
  assert.equal(bf16ToFloat(floatToBf16(-Infinity)), -Infinity);
  assert.ok(Number.isNaN(bf16ToFloat(floatToBf16(NaN))));
  const out = new Uint16Array(3);
  ref.toBf16(Float32Array.of(1, -2, 0.5), out, 3);
  assert.deepEqual([...out], [0x3f80, 0xc000, 0x3f00]);
});

test('native toBf16 rounds exactly like the reference', { skip: nat ? false : 'native addon unavailable' }, () => {
  const x = rand(100_003).map((v, i) => (i % 7 === 0 ? v * 1e30 : i % 11 === 0 ? v * 1e-30 : v));
  const a = new Uint16Array(x.length);
  const b = new Uint16Array(x.length);
  nat!.toBf16(x, a, x.length);
  ref.toBf16(x, b, x.length);
  assert.deepEqual(a, b);
});

/** Runs one product on `k` in the given mode (every product on the bf16 path when bf16). */
function product(k: Kernels, bf16: boolean, call: (k: Kernels) => void): void {
  k.setMatmulPrecision(bf16, 0);
  try {
    call(k);
  } finally {
    k.setMatmulPrecision(false, 0);
  }
}

test('bf16 gemm, every transpose the engine uses, against fp32 (bf16 tolerance) and the bf16 emulation', { skip }, () => {
  for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
    const M = 97, N = 131, K = 75;
    const lda = (tA ? M : K) + 3, ldb = (tB ? K : N) + 1, ldc = N + 2;
    const A = rand((tA ? K : M) * lda), B = rand((tB ? N : K) * ldb), C0 = rand(M * ldc);
    const fp32 = C0.slice(), bf16 = C0.slice(), emulated = C0.slice();
    ref.gemm(tA, tB, M, N, K, 0.75, A, lda, B, ldb, 0.5, fp32, ldc);
    product(nat!, true, (k) => k.gemm(tA, tB, M, N, K, 0.75, A, lda, B, ldb, 0.5, bf16, ldc));
    product(ref, true, (k) => k.gemm(tA, tB, M, N, K, 0.75, A, lda, B, ldb, 0.5, emulated, ldc));
    const vsFp32 = relErr(bf16, fp32);
    assert.ok(vsFp32 < 1e-2 && vsFp32 > 1e-5, `transA ${tA} transB ${tB}: bf16 vs fp32 relative error ${vsFp32}`);
    assert.ok(relErr(bf16, emulated) < 1e-5, `transA ${tA} transB ${tB}: bf16 vs emulation ${relErr(bf16, emulated)}`);
  }
});

test('bf16 gemm with bf16 copies of A and B made by the caller gives what converting them in the call gives (native and reference)', { skip }, () => {
  const M = 64, N = 48, K = 40;
  const A = rand(M * K), B = rand(N * K);
  const Abf16 = new Uint16Array(A.length), Bbf16 = new Uint16Array(B.length);
  nat!.toBf16(A, Abf16, A.length);
  nat!.toBf16(B, Bbf16, B.length);
  for (const k of [nat!, ref]) {
    const converted = new Float32Array(M * N);
    product(k, true, (kk) => kk.gemm(false, true, M, N, K, 1, A, K, B, K, 0, converted, N));
    for (const [a, b] of [[null, Bbf16], [Abf16, null], [Abf16, Bbf16]] as const) {
      const copied = new Float32Array(M * N);
      product(k, true, (kk) => kk.gemm(false, true, M, N, K, 1, A, K, B, K, 0, copied, N, a, b));
      assert.deepEqual(copied, converted, `${k.name}: A copy ${!!a}, B copy ${!!b}`);
    }
  }
  // A copy that does not cover the operand is refused, not read past its end.
  assert.throws(() => product(nat!, true, (kk) => kk.gemm(false, true, M, N, K, 1, A, K, B, K, 0, new Float32Array(M * N), N, Abf16.subarray(1))), /argument 13 is too short/);
});

test('bf16 batched gemm: attention heads read in place, a shared (stride 0) operand', { skip }, () => {
  // [B, T, H·dh] layouts as src/tensor/ops/attention.ts uses them.
  const Bn = 3, H = 4, T = 17, dh = 8, D = H * dh;
  const q = rand(Bn * T * D), kk = rand(Bn * T * D), probs = rand(Bn * H * T * T), shared = rand(T * dh);
  const cases: Array<[string, (k: Kernels, out: Float32Array) => void, number]> = [
    ['Q·Kᵀ', (k, out) => k.gemmBatched(false, true, T, T, dh, 0.3, q, D, T * D, dh, kk, D, T * D, dh, 0, out, T, H * T * T, T * T, Bn, H), Bn * H * T * T],
    ['Pᵀ·dO', (k, out) => k.gemmBatched(true, false, T, dh, T, 1, probs, T, H * T * T, T * T, kk, D, T * D, dh, 0, out, D, T * D, dh, Bn, H), Bn * T * D],
    ['shared B', (k, out) => k.gemmBatched(false, false, T, T, dh, 1, q, D, T * D, dh, shared, T, 0, 0, 0, out, T, H * T * T, T * T, Bn, H), Bn * H * T * T],
  ];
  for (const [what, call, size] of cases) {
    const fp32 = new Float32Array(size), bf16 = new Float32Array(size), emulated = new Float32Array(size);
    call(ref, fp32);
    product(nat!, true, (k) => call(k, bf16));
    product(ref, true, (k) => call(k, emulated));
    assert.ok(relErr(bf16, fp32) < 1e-2, `${what}: bf16 vs fp32 ${relErr(bf16, fp32)}`);
    assert.ok(relErr(bf16, emulated) < 1e-5, `${what}: bf16 vs emulation ${relErr(bf16, emulated)}`);
  }
});

test('products below the threshold stay fp32 in bf16 mode (natively and in the reference)', { skip }, () => {
  const M = 8, N = 8, K = 8;
  const A = rand(M * K), B = rand(K * N);
  const fp32 = new Float32Array(M * N), nativeSmall = new Float32Array(M * N), refSmall = new Float32Array(M * N);
  ref.gemm(false, false, M, N, K, 1, A, K, B, N, 0, fp32, N);
  const before = nat!.matmulInfo().bf16Products;
  nat!.setMatmulPrecision(true, 1 << 21);
  ref.setMatmulPrecision(true, 1 << 21);
  nat!.gemm(false, false, M, N, K, 1, A, K, B, N, 0, nativeSmall, N);
  ref.gemm(false, false, M, N, K, 1, A, K, B, N, 0, refSmall, N);
  nat!.setMatmulPrecision(false, 0);
  ref.setMatmulPrecision(false, 0);
  assert.equal(nat!.matmulInfo().bf16Products, before, 'a 512-MAC product went to the bf16 path');
  assert.ok(relErr(nativeSmall, fp32) < 1e-5);
  assert.deepEqual(refSmall, fp32);
});

test('ONEDNN_MAX_CPU_ISA=AVX2 forces the fp32 path: no bf16 units reported, "auto" resolves to fp32', { skip: nat ? false : 'native addon unavailable' }, () => {
  const script = `
    import { resolvePrecision, matmulInfo, describePrecision } from ${JSON.stringify(new URL('../../src/tensor/precision.js', import.meta.url).href)};
    const info = matmulInfo();
    console.log(JSON.stringify({ isa: info.isa, bf16: info.bf16, auto: resolvePrecision('auto'), line: describePrecision('fp32') }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8', env: { ...process.env, ONEDNN_MAX_CPU_ISA: 'AVX2' },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim());
  assert.equal(out.bf16, false);
  assert.equal(out.auto, 'fp32');
  assert.match(out.isa, /avx2|avx|sse/);
  assert.match(out.line, /^fp32 matrix products \(oneDNN .*no bf16 units on this CPU/);
});
