/**
 * What the server says about its model (the start line, GET /api/model). The
 * generation worker loads the model and sends this to the main thread, which
 * never loads the weights itself.
 */
import path from 'node:path';
import type { LoadedModel } from '../model/bundle.js';
import type { ModelConfig } from '../model/config.js';
import type { Precision } from '../tensor/precision.js';

export interface ModelInfo {
  /** The model directory's name. */
  name: string;
  /** The (first member's) architecture. */
  config: ModelConfig;
  parameters: number;
  /** Every member of an ensemble; just the model otherwise. */
  members: Array<{ parameters: number; config: ModelConfig }>;
  metrics: Record<string, unknown>;
  training: Record<string, unknown>;
  /** The precision the worker's matrix products run in. */
  precision: Precision;
}

export function modelInfo(loaded: LoadedModel, precision: Precision): ModelInfo {
  const c = loaded.config;
  return {
    name: path.basename(path.resolve(loaded.dir)),
    config: c.model,
    parameters: c.parameters,
    members: loaded.members.map((m) => ({ parameters: m.parameterCount(), config: m.config })),
    metrics: c.metrics ?? {},
    training: c.training ?? {},
    precision,
  };
}
