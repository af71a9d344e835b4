/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
 * then the raw little-endian tensor bytes. Written by hand because the format is
 * this small and the npm packages for it are unmaintained stubs; files load with
 * PyTorch's `safetensors.torch.load_file`.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomicWrite.js';

export type DType = 'F32' | 'F16';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/** float32 → IEEE half (round to nearest even), as a 16-bit pattern. */
export function toHalf(x: number): number {
  const f32 = new Float32Array([x]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / nan
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow → 0
    mant |= 0x800000; // subnormal half
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++; // may carry into the exponent: still correct
  return sign | half;
}

export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function encodeSafetensors(tensors: Map<string, NamedTensor>, dtype: DType = 'F32', metadata: Record<string, string> = {}): Uint8Array {
  const width = dtype === 'F32' ? 4 : 2;
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.length * width;
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8); // align the data to 8 bytes
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    if (dtype === 'F32') {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    } else {
      const view = new DataView(out.buffer, at, t.data.length * 2);
      for (let i = 0; i < t.data.length; i++) view.setUint16(i * 2, toHalf(t.data[i]), true);
    }
    at += t.data.length * width;
  }
  return out;
}

export function writeSafetensors(file: string, tensors: Map<string, NamedTensor>, dtype: DType = 'F32', metadata: Record<string, string> = {}): void {
  writeFileAtomic(file, encodeSafetensors(tensors, dtype, metadata));
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
let halfTable: Float32Array | null = null;

/** Every half-precision bit pattern as float32, built once: a table lookup is ~20x faster than fromHalf per value. */
function halfToFloatTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = fromHalf(h);
  }
  return halfTable;
}

/**
 * `count` little-endian values of `width` bytes at `at` in `buf`, as float32. On a
 * little-endian machine the bytes are viewed as a typed array (copied first when
 * they are not aligned for it) instead of read value by value through a DataView:
 * loading a model was most of a CLI command's start-up time before.
 */
function decodeTensor(buf: Buffer, at: number, count: number, width: 2 | 4, into?: Float32Array): Float32Array {
  const bytes = count * width;
  if (!littleEndian) {
    const view = new DataView(buf.buffer, buf.byteOffset + at, bytes);
    const data = into ?? new Float32Array(count);
    if (width === 4) for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
    else for (let i = 0; i < count; i++) data[i] = fromHalf(view.getUint16(i * 2, true));
    return data;
  }
  const offset = buf.byteOffset + at;
  const aligned = offset % width === 0;
  const source = aligned ? buf.buffer : buf.buffer.slice(offset, offset + bytes);
  const start = aligned ? offset : 0;
  if (width === 4) {
    const floats = new Float32Array(source, start, count);
    if (!into) return floats.slice();
    into.set(floats);
    return into;
  }
  const halves = new Uint16Array(source, start, count);
  const table = halfToFloatTable();
  const data = into ?? new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = table[halves[i]];
  return data;
}

export interface LoadedSafetensors {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

/**
 * Read a safetensors file (F32 or F16; returned as float32). Any damage is a UserError naming the file.
 * `opts.into(name, shape)` may return the array a tensor is to be decoded into (a model's own
 * parameter, of that many values), so that loading a model neither allocates nor copies its weights twice.
 */
export function readSafetensors(file: string, opts: { into?: (name: string, shape: number[]) => Float32Array | undefined } = {}): LoadedSafetensors {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new UserError(`${file}: cannot read weights (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const bad = (why: string) => new UserError(`${file}: not a valid safetensors file: ${why}`);
  if (buf.length < 8) throw bad(`only ${buf.length} bytes`);
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (headerLen > buf.length - 8) throw bad(`header of ${headerLen} bytes but the file has ${buf.length} (truncated?)`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8'));
  } catch {
    throw bad('the header is not JSON');
  }
  const dataStart = 8 + headerLen;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const width: 0 | 2 | 4 = e.dtype === 'F32' ? 4 : e.dtype === 'F16' ? 2 : 0;
    if (!width) throw bad(`tensor ${name} has dtype ${e.dtype}; en2py reads F32 and F16`);
    const count = e.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = e.data_offsets;
    if (end - begin !== count * width) throw bad(`tensor ${name}: shape [${e.shape}] does not match ${end - begin} bytes`);
    if (dataStart + end > buf.length) throw bad(`tensor ${name} ends past the end of the file (truncated?)`);
    const target = opts.into?.(name, e.shape);
    tensors.set(name, { shape: e.shape, data: decodeTensor(buf, dataStart + begin, count, width, target?.length === count ? target : undefined) });
  }
  return { tensors, metadata };
}
