/**
 * The generation worker's side (runs in a worker thread): load the model once,
 * then answer one generation request at a time. The native kernels are
 * synchronous, so a generation holds this thread for as long as it takes; the
 * server's main thread keeps answering HTTP meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Generator, type GenerateOptions, type Generation } from '../decode/generator.js';
import { loadModel } from '../model/bundle.js';
import { setPrecision } from '../tensor/precision.js';
import { modelInfo, type ModelInfo } from './modelInfo.js';
import { toWire, type GenerateRequest, type WorkerMessage, type WorkerSetup } from './workerProtocol.js';

export type GenerateFn = (sentence: string, options: GenerateOptions) => Generation;

/**
 * Serve generations on this worker's port. `wrap` lets a test worker put
 * something around each generation (test/server/slowWorker.ts holds them at a gate).
 */
export function runGenerationWorker(wrap?: (generator: Generator) => GenerateFn): void {
  const port = parentPort;
  if (!port) throw new Error('runGenerationWorker runs in a worker thread (node:worker_threads)');
  const send = (m: WorkerMessage) => port.postMessage(m);
  const { dir, precision } = workerData as WorkerSetup;
  let generate: GenerateFn;
  let info: ModelInfo;
  try {
    setPrecision(precision);
    const loaded = loadModel(dir);
    const generator = new Generator(loaded);
    generate = wrap ? wrap(generator) : (sentence, options) => generator.generate(sentence, options);
    info = modelInfo(loaded, precision);
  } catch (err) {
    send({ type: 'failed', error: toWire(err) }); // the thread then ends: nothing listens
    return;
  }
  port.on('message', (m: GenerateRequest) => {
    try {
      send({ type: 'result', id: m.id, generation: generate(m.sentence, m.options) });
    } catch (err) {
      send({ type: 'error', id: m.id, error: toWire(err) });
    }
  });
  send({ type: 'ready', info });
}
