/** Learning-rate schedules. */
import type { TrainOptions } from './config.js';

/** The learning rate at optimiser step `step` (1-based). */
export function learningRate(o: Pick<TrainOptions, 'lr' | 'schedule' | 'warmupSteps'>, step: number): number {
  const warm = o.warmupSteps;
  if (o.schedule === 'constant') return warm > 0 && step < warm ? (o.lr * step) / warm : o.lr;
  // inverse-sqrt (Vaswani et al.): linear warm-up to lr, then lr * sqrt(warmup / step).
  if (warm === 0) return o.lr / Math.sqrt(step);
  return step < warm ? (o.lr * step) / warm : o.lr * Math.sqrt(warm / step);
}
