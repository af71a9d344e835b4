// Weights files: exact float32 round trip, float16 within half precision, a
// layout that Python reads by the published spec, and clear errors on damage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readSafetensors, writeSafetensors, toHalf, fromHalf, type NamedTensor } from '../../src/model/safetensors.js';
import { UserError } from '../../src/errors.js';
import { NO_PYTHON, tempDir } from '../helpers.js';

const tensors = new Map<string, NamedTensor>([
  ['encoder.layers.0.self_attn.q_proj.weight', { shape: [3, 2], data: Float32Array.of(1, -2.5, 3.25, 1e-3, -65504, 0.1) }],
  ['decoder.output_projection.bias', { shape: [4], data: Float32Array.of(0, -0, 7, 1 / 3) }],
]);

test('float32 round trip is exact; float16 is within half precision', (t) => {
  const dir = tempDir(t);
  const f32 = path.join(dir, 'a.safetensors');
  writeSafetensors(f32, tensors, 'F32', { note: 'x' });
  const back = readSafetensors(f32);
  assert.equal(back.metadata.note, 'x');
  for (const [name, tt] of tensors) assert.deepEqual(back.tensors.get(name)!.data, tt.data);
  const f16 = path.join(dir, 'b.safetensors');
  writeSafetensors(f16, tensors, 'F16');
  for (const [name, tt] of readSafetensors(f16).tensors) {
    const ref = tensors.get(name)!.data;
    tt.data.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) <= Math.abs(ref[i]) * 1e-3 + 1e-7, `${name}[${i}] ${v} vs ${ref[i]}`));
  }
});

test('mixed dtypes at unaligned offsets read back value for value (an odd-length F16 tensor puts the next F32 at 2 mod 4)', (t) => {
  const halves = [0x3c00, 0xc000, 0x0001, 0x7bff, 0x8000]; // 1, -2, smallest subnormal, 65504, -0
  const floats = Float32Array.of(1.5, -3.25e-5, 1e30, -0);
  const header = {
    a: { dtype: 'F16', shape: [5], data_offsets: [0, 10] },
    b: { dtype: 'F32', shape: [2, 2], data_offsets: [10, 26] },
    c: { dtype: 'F16', shape: [1], data_offsets: [26, 28] },
  };
  let text = JSON.stringify(header);
  text += ' '.repeat((4 - (text.length % 4)) % 4); // data starts 4-aligned, so tensor b starts at 2 mod 4
  const json = Buffer.from(text);
  const buf = Buffer.alloc(8 + json.length + 28);
  buf.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(buf, 8);
  const at = 8 + json.length;
  halves.forEach((h, i) => buf.writeUInt16LE(h, at + 2 * i));
  floats.forEach((f, i) => buf.writeFloatLE(f, at + 10 + 4 * i));
  buf.writeUInt16LE(0x3555, at + 26); // ~1/3
  const file = path.join(tempDir(t), 'mixed.safetensors');
  writeFileSync(file, buf);
  const back = readSafetensors(file).tensors;
  assert.deepEqual([...back.get('a')!.data], halves.map(fromHalf));
  assert.deepEqual(back.get('b')!.shape, [2, 2]);
  assert.deepEqual(back.get('b')!.data, floats);
  assert.deepEqual([...back.get('c')!.data], [fromHalf(0x3555)]);
});

test('half conversion: exact values, rounding to even, overflow, subnormals', () => {
  for (const v of [0, 1, -2, 0.5, 65504, 2 ** -14, 2 ** -24]) assert.equal(fromHalf(toHalf(v)), v);
  assert.equal(fromHalf(toHalf(1e6)), Infinity);
  assert.equal(fromHalf(toHalf(1 + 2 ** -11)), 1); // halfway: rounds to even
  assert.equal(fromHalf(toHalf(1 + 3 * 2 ** -11)), 1 + 2 ** -9);
  assert.equal(fromHalf(toHalf(2 ** -26)), 0);
});

test('the file follows the safetensors layout (read back by python3 from the spec)', { skip: NO_PYTHON }, (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'w.safetensors');
  writeSafetensors(file, tensors, 'F32');
  const py = `
import json, struct, sys, array
b = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8 + n])
assert (8 + n) % 8 == 0
out = {}
for k, v in h.items():
    if k == '__metadata__': continue
    s, e = v['data_offsets']
    a = array.array('f'); a.frombytes(b[8 + n + s:8 + n + e])
    out[k] = [v['dtype'], v['shape'], round(sum(a), 4)]
print(json.dumps(out, sort_keys=True))`;
  const r = spawnSync(process.env.EN2PY_PYTHON || 'python3', ['-c', py, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout);
  assert.deepEqual(got['decoder.output_projection.bias'].slice(0, 2), ['F32', [4]]);
  assert.ok(Math.abs(got['encoder.layers.0.self_attn.q_proj.weight'][2] - (1 - 2.5 + 3.25 + 1e-3 - 65504 + 0.1)) < 1e-2);
});

test('damaged files give a UserError that names the file', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'w.safetensors');
  writeSafetensors(file, tensors, 'F32');
  const bytes = readFileSync(file);
  const cases: Array<[string, Buffer | Uint8Array, RegExp]> = [
    ['empty', Buffer.alloc(0), /only 0 bytes/],
    ['truncated', bytes.subarray(0, bytes.length - 5), /truncated/],
    ['header cut', bytes.subarray(0, 20), /truncated|header/],
    ['garbage', Buffer.from('this is not a weights file at all, just text'), /header|truncated/],
  ];
  for (const [name, data, re] of cases) {
    const f = path.join(dir, `${name}.safetensors`);
    writeFileSync(f, data);
    assert.throws(() => readSafetensors(f), (err: unknown) => err instanceof UserError && re.test(err.message) && err.message.includes(f), name);
  }
  assert.throws(() => readSafetensors(path.join(dir, 'missing.safetensors')), /cannot read weights \(ENOENT\)/);
});
