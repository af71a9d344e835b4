/**
 * The messages between the server's main thread and its generation worker
 * (./workerGenerator.ts and ./workerLoop.ts). Errors cross as plain data and
 * are rebuilt on the other side: a UserError stays a UserError (the server
 * answers it with 400, as it did when generation ran on the main thread).
 */
import { UserError } from '../errors.js';
import type { GenerateOptions, Generation } from '../decode/generator.js';
import type { Precision } from '../tensor/precision.js';
import type { ModelInfo } from './modelInfo.js';

/** What the worker is started with (its workerData). */
export interface WorkerSetup {
  /** The model directory. */
  dir: string;
  /** Already resolved by the main thread ('auto' decided there). */
  precision: Precision;
}

/** Main thread to worker: one generation. */
export interface GenerateRequest {
  id: number;
  sentence: string;
  options: GenerateOptions;
}

export interface WireError {
  message: string;
  stack?: string;
  /** A UserError: the request's fault, not the server's. */
  user: boolean;
}

/** Worker to main thread. */
export type WorkerMessage =
  | { type: 'ready'; info: ModelInfo }
  | { type: 'failed'; error: WireError }
  | { type: 'result'; id: number; generation: Generation }
  | { type: 'error'; id: number; error: WireError };

export function toWire(err: unknown): WireError {
  if (err instanceof Error) return { message: err.message, stack: err.stack, user: err instanceof UserError };
  return { message: String(err), user: false };
}

export function fromWire(e: WireError): Error {
  const err = e.user ? new UserError(e.message) : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}
