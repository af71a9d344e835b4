// Sample charts shaped like the experiment report's: 9 experiments with a train
// and a valid curve each, and 9 experiments × 6 metrics as small multiples.
import type { BarChartOptions, LineChartOptions } from '../../src/report/svg.js';
import { PALETTE } from '../../src/report/svg.js';

export const EXPERIMENTS = [
  'e1-baseline', 'e1-baseline-seed2', 'e2-bpe', 'e3-word2vec-frozen', 'e3-word2vec-finetuned',
  'e4-label-smoothing', 'e4-focal', 'e4-structure-weight', 'e5-bigger',
];

/** A deterministic pseudo-random number in [0, 1). */
const noise = (i: number): number => { const x = Math.sin(i * 12.9898) * 43758.5453; return x - Math.floor(x); };

export function sampleLineChart(experiments = EXPERIMENTS): LineChartOptions {
  return {
    title: 'Loss per epoch (train dashed, valid solid)', xLabel: 'epoch', yLabel: 'cross-entropy loss',
    series: experiments.flatMap((name, e) => (['valid', 'train'] as const).map((split) => ({
      name: `${name} ${split}`, dashed: split === 'train', color: PALETTE[e],
      points: Array.from({ length: 30 }, (_, i): [number, number] =>
        [i + 1, (split === 'train' ? 0.9 : 1.1) + 4.2 * Math.exp(-(i + 1) / (4 + e)) + 0.05 * noise(e * 100 + i)]),
    }))),
  };
}

export function sampleBarChart(experiments = EXPERIMENTS): BarChartOptions {
  const v = (e: number, k: number, scale: number): number | null => (e === 4 && k === 3 ? null : scale * (0.3 + 0.7 * noise(e * 7 + k)));
  return {
    title: 'Test-set metrics per experiment', categories: experiments,
    panels: [
      { title: 'exact match', unit: '%', values: experiments.map((_, e) => v(e, 0, 40)) },
      { title: 'BLEU', values: experiments.map((_, e) => v(e, 1, 60)) },
      { title: 'CodeBLEU', values: experiments.map((_, e) => v(e, 2, 0.7)), decimals: 3 },
      { title: 'parses', unit: '%', values: experiments.map((_, e) => v(e, 3, 100)) },
      { title: 'pass@1', unit: '%', values: experiments.map((_, e) => v(e, 4, 25)) },
      { title: 'training time', unit: ' min', values: experiments.map((_, e) => v(e, 5, 180)) },
    ],
  };
}
