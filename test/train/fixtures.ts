// A small English→Python data file and a tiny run spec, written by the tests themselves,
// and the weights of a run's safetensors file, to compare runs.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { readSafetensors } from '../../src/model/safetensors.js';

const OPS: Array<[string, string, string]> = [
  ['add', '+', 'add'],
  ['subtract', '-', 'subtract'],
  ['multiply', '*', 'multiply'],
  ['divide', '/', 'divide'],
];

/** ~48 distinct pairs in the english-python text format. */
export function writeTinyData(dir: string): string {
  const blocks: string[] = [];
  for (const [verb, op, name] of OPS) {
    for (let n = 1; n <= 12; n++) {
      blocks.push(`# write a python function to ${verb} ${n} ${verb === 'add' ? 'to' : verb === 'subtract' ? 'from' : 'by'} a number\ndef ${name}_${n}(x):\n    return x ${op} ${n}\n`);
    }
  }
  const file = path.join(dir, 'tiny.txt');
  writeFileSync(file, blocks.join('\n\n'));
  return file;
}

export function writeTinySpec(dir: string, dataFile: string, train: Record<string, unknown> = {}): string {
  const spec = {
    preset: 'seed',
    model: { dModel: 16, heads: 2, encoderLayers: 1, decoderLayers: 1, ffDim: 32, maxLen: 64 },
    data: { path: dataFile, minFreq: 1 },
    train: { epochs: 2, batchSize: 4, checkpointEvery: 2, lr: 3e-3, ...train },
  };
  const file = path.join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

/** The model weights in a safetensors file by name (an optimizer's moments left out). */
export function readWeights(file: string): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of readSafetensors(file).tensors) if (!name.startsWith('optimizer.')) out.set(name, t.data);
  return out;
}
