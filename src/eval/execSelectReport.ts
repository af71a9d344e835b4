/**
 * The README's table of choosing by execution against beam search, made from
 * the result files of bench/execSelect.ts (results/exec-select/*.json), so a
 * test can keep the README equal to them.
 */

export interface ExecSelectSummary {
  what: string;
  protocol: string;
  command: string;
  tasks: number;
  samples: number;
  passedStrict: Record<string, number>;
  passedBound: Record<string, number>;
  latencyMs: Record<string, { median: number; p90: number; max: number; mean: number }>;
}

/** Columns: [heading, key in passedStrict/passedBound (with N = the sample count)]. */
const COLUMNS: Array<[string, (n: number) => string]> = [
  ['beam 5 + parse rerank (default)', () => 'beam'],
  ['exec over N samples', () => 'exec-samples'],
  ['exec over the beams', () => 'exec-beam'],
  ['exec over beams + samples', () => 'exec-all'],
  ['most likely sample', () => 'first-sample'],
  ['oracle@N: some sample passes', (n) => `oracle@${n} (some sample passes)`],
  ['`--test` filter: pass@N with test filtering', (n) => `--test filter, pass@${n} with test filtering (first ${n} of beams then samples)`],
];

export function execSelectHeader(): string {
  return `| model, validation set (tasks): passes strict / bound | ${COLUMNS.map(([h]) => h).join(' | ')} | result file |\n| --- |${' ---: |'.repeat(COLUMNS.length)} --- |`;
}

/** One row: `label` names the model and the set; each cell "strict / bound" tasks passed. */
export function execSelectRow(label: string, file: string, s: ExecSelectSummary): string {
  const cells = COLUMNS.map(([, key]) => {
    const k = key(s.samples);
    if (!(k in s.passedStrict) || !(k in s.passedBound)) throw new Error(`${file}: no "${k}" in passedStrict/passedBound`);
    return `${s.passedStrict[k]} / ${s.passedBound[k]}`;
  });
  return `| ${label} (${s.tasks}) | ${cells.join(' | ')} | \`${file}\` |`;
}

/** Median latency per prompt, e.g. "beam 417 ms, exec over samples 1,594 ms (p90 2,294 ms)". */
export function execSelectLatency(s: ExecSelectSummary): string {
  const l = s.latencyMs;
  const f = (x: number) => x.toLocaleString('en-US');
  const ex = l['exec-samples total (samples + their signatures)'];
  return `beam ${f(l.beamGeneration.median)} ms, exec over ${s.samples} samples ${f(ex.median)} ms (p90 ${f(ex.p90)} ms, max ${f(ex.max)} ms)`;
}

/** The README's rows: the previous default and issue 19's candidates on the two held-out validation sets. */
export const EXEC_SELECT_ROWS: Array<{ label: string; short: string; file: string }> = [
  { label: 'previous default (E8 + E9 ensemble), MBPP 511-600, text + first test', short: 'previous default, MBPP', file: 'results/exec-select/mbpp-valid.json' },
  { label: 'E18, MBPP 511-600, text + first test', short: 'E18, MBPP', file: 'results/exec-select/e18-mbpp-valid.json' },
  { label: 'E20, MBPP 511-600, text + first test', short: 'E20, MBPP', file: 'results/exec-select/e20-mbpp-valid.json' },
  { label: 'E22, MBPP 511-600, text + first test', short: 'E22, MBPP', file: 'results/exec-select/e22-mbpp-valid.json' },
  { label: 'E23, MBPP 511-600, text + first test', short: 'E23, MBPP', file: 'results/exec-select/e23-mbpp-valid.json' },
  { label: 'E24, MBPP 511-600, text + first test', short: 'E24, MBPP', file: 'results/exec-select/e24-mbpp-valid.json' },
  { label: 'E26 (E24 + word dropout), MBPP 511-600, text + first test', short: 'E26, MBPP', file: 'results/exec-select/e26-mbpp-valid.json' },
  { label: 'E26 + sentence contrast 0.5, MBPP 511-600, text + first test', short: 'E26 + contrast, MBPP', file: 'results/exec-select/e26-c0.5-mbpp-valid.json' },
  { label: 'E27 (larger, word dropout), MBPP 511-600, text + first test', short: 'E27, MBPP', file: 'results/exec-select/e27-mbpp-valid.json' },
  { label: 'E28 (E20 + word dropout), MBPP 511-600, text + first test', short: 'E28, MBPP', file: 'results/exec-select/e28-mbpp-valid.json' },
  { label: 'previous default (E8 + E9 ensemble), functions/ validation slice, description alone', short: 'previous default, functions', file: 'results/exec-select/functions-valid-previous-default.json' },
  { label: 'E18, functions/ validation slice, description alone', short: 'E18, functions', file: 'results/exec-select/e18-functions-valid.json' },
  { label: 'E20, functions/ validation slice, description alone', short: 'E20, functions', file: 'results/exec-select/e20-functions-valid.json' },
  { label: 'E22, functions/ validation slice, description alone', short: 'E22, functions', file: 'results/exec-select/e22-functions-valid.json' },
  { label: 'E23, functions/ validation slice, description alone', short: 'E23, functions', file: 'results/exec-select/e23-functions-valid.json' },
  { label: 'E24, functions/ validation slice, description alone', short: 'E24, functions', file: 'results/exec-select/e24-functions-valid.json' },
  { label: 'E26 (E24 + word dropout), functions/ validation slice, description alone', short: 'E26, functions', file: 'results/exec-select/e26-functions-valid.json' },
  { label: 'E26 + sentence contrast 0.5, functions/ validation slice, description alone', short: 'E26 + contrast, functions', file: 'results/exec-select/e26-c0.5-functions-valid.json' },
  { label: 'E27 (larger, word dropout), functions/ validation slice, description alone', short: 'E27, functions', file: 'results/exec-select/e27-functions-valid.json' },
  { label: 'E28 (E20 + word dropout), functions/ validation slice, description alone', short: 'E28, functions', file: 'results/exec-select/e28-functions-valid.json' },
];

/** The Coder-Reviewer table's columns (runs of bench/execSelect.ts with --reviewer): [heading, key]. */
const REVIEWER_COLUMNS: Array<[string, string]> = [
  ['beam 5 + parse rerank (default)', 'beam'],
  ['coder alone: most likely per token', 'coder-all'],
  ['reviewer alone: likelihood of the sentence given the code', 'reviewer'],
  ['coder + reviewer', 'coder-reviewer'],
  ['exec over beams + samples', 'exec-all'],
  ['oracle: some candidate passes', 'oracle over beams + samples'],
];

export function reviewerHeader(): string {
  return `| model, validation set (tasks): passes strict / bound | ${REVIEWER_COLUMNS.map(([h]) => h).join(' | ')} | reviewer scoring per prompt (median) | result file |\n| --- |${' ---: |'.repeat(REVIEWER_COLUMNS.length + 1)} --- |`;
}

/** One row of the Coder-Reviewer table; the choices are among the beams and N samples of one run. */
export function reviewerRow(label: string, file: string, s: ExecSelectSummary): string {
  const cells = REVIEWER_COLUMNS.map(([, k]) => {
    if (!(k in s.passedStrict) || !(k in s.passedBound)) throw new Error(`${file}: no "${k}" in passedStrict/passedBound (run bench/execSelect.js with --reviewer)`);
    return `${s.passedStrict[k]} / ${s.passedBound[k]}`;
  });
  const ms = s.latencyMs.reviewerScoring;
  if (!ms) throw new Error(`${file}: no latencyMs.reviewerScoring`);
  return `| ${label} (${s.tasks}) | ${cells.join(' | ')} | ${ms.median.toLocaleString('en-US')} ms | \`${file}\` |`;
}

/** The README's Coder-Reviewer rows (issue 19's reviewers R1 and R2 with each model on the two validation sets). */
export const REVIEWER_ROWS: Array<{ label: string; file: string }> = [
  { label: 'default (E8 + E9 ensemble), MBPP 511-600, text + first test', file: 'results/exec-select/default-r1-mbpp-valid.json' },
  { label: 'E28, MBPP 511-600, text + first test', file: 'results/exec-select/e28-r1-mbpp-valid.json' },
  { label: 'default (E8 + E9 ensemble), functions/ validation slice, description alone', file: 'results/exec-select/default-r1-functions-valid.json' },
  { label: 'E28, functions/ validation slice, description alone', file: 'results/exec-select/e28-r1-functions-valid.json' },
  { label: 'default, MBPP 511-600, reviewer R2', file: 'results/exec-select/default-r2-mbpp-valid.json' },
  { label: 'E28, MBPP 511-600, reviewer R2', file: 'results/exec-select/e28-r2-mbpp-valid.json' },
  { label: 'default, functions/ validation slice, reviewer R2', file: 'results/exec-select/default-r2-functions-valid.json' },
  { label: 'E28, functions/ validation slice, reviewer R2', file: 'results/exec-select/e28-r2-functions-valid.json' },
];
