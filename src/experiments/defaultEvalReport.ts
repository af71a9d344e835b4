/**
 * The default model's evaluation (results/default-eval), as the table and the
 * execution figures that results/README.md and the README's "How good is the
 * default model?" section show. Everything comes from the eval summaries that
 * `en2py eval --json` wrote: `plain/*.json` without the decoding steps of the
 * quality work (syntax guard, repetition limit, rerank by parse), the top
 * folder with them, so the gain of each step is visible.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

type Summary = Record<string, unknown>;

const DECODING_ROWS: Array<{ label: string; test: string; mbpp: string }> = [
  // The run's best single epoch, before checkpoint averaging (`en2py eval --model RUN` with plain decoding).
  { label: 'greedy, plain, best single epoch (no checkpoint averaging)', test: 'plain/greedy-best-epoch.json', mbpp: 'plain/mbpp-best-epoch.json' },
  // An ensemble's first member alone (`en2py eval --model MEMBER` with plain decoding).
  { label: 'greedy, plain, one member alone (no ensemble)', test: 'plain/greedy-one-member.json', mbpp: 'plain/mbpp-one-member.json' },
  { label: 'greedy, plain', test: 'plain/greedy.json', mbpp: 'plain/mbpp.json' },
  { label: 'greedy + syntax guard + repetition limit (default)', test: 'greedy.json', mbpp: 'mbpp.json' },
  { label: 'beam 5, plain', test: 'plain/beam5.json', mbpp: '' },
  { label: 'beam 5 + syntax guard + repetition limit + rerank by parse with greedy fallback (default)', test: 'beam5.json', mbpp: '' },
  { label: 'the same + `--cut` (longest parsing prefix when nothing parses; not the default)', test: 'beam5-cut.json', mbpp: '' },
];

const pct = (v: unknown) => (typeof v === 'number' ? `${(100 * v).toFixed(1)}%` : 'n/a');
const fixed = (v: unknown, digits: number) => (typeof v === 'number' ? v.toFixed(digits) : 'n/a');

function reader(resultsDir: string) {
  const dir = path.join(resultsDir, 'default-eval');
  return (file: string): Summary | null => {
    const f = path.join(dir, file);
    return file && existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Summary) : null;
  };
}

/** pass@k as "strict / bound" (the table) or "strict … / … bound" (sentences). */
function passes(s: Summary, k: number, words = true): string {
  const strict = pct((s.passAtK as Record<string, number> | undefined)?.[`pass@${k}`]);
  const bound = pct((s.boundPassAtK as Record<string, number> | undefined)?.[`pass@${k}`]);
  return words ? `${strict} strict / ${bound} bound` : `${strict} / ${bound}`;
}

/** The decoding-steps table on the test split (and MBPP where measured), or null when nothing was evaluated. */
export function defaultEvalTable(resultsDir: string): string[] | null {
  const read = reader(resultsDir);
  const lines = [
    '| decoding of models/default | BLEU | CodeBLEU | exact match | syntax-valid | token accuracy | test ppl | `<unk>` | brevity penalty | MBPP syntax-valid | MBPP pass@1 (strict / bound) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  let any = false;
  for (const row of DECODING_ROWS) {
    const t = read(row.test);
    if (!t) continue;
    any = true;
    const m = read(row.mbpp);
    const cb = (t.codebleu as { codebleu?: number } | undefined)?.codebleu;
    const bp = (t.bleuDetail as { bp?: number } | undefined)?.bp;
    const mbppPass = m ? passes(m, 1, false) : '-';
    lines.push(`| ${row.label} | ${fixed(t.bleu, 2)} | ${fixed(cb, 3)} | ${pct(t.exactMatch)} | ${pct(t.syntaxValidity)} | ${pct(t.tokenAccuracy)} | ` +
      `${fixed(t.perplexity, 2)} | ${pct(t.unkRate)} | ${fixed(bp, 2)} | ${m ? pct(m.syntaxValidity) : '-'} | ${mbppPass} |`);
  }
  return any ? lines : null;
}

/**
 * The execution rows: the team benchmark and MBPP's test split with each decoding
 * `scripts/eval-default.sh` runs. pass@1 of an exec-selected row is of the one chosen
 * program; a sampled row's pass@1 is the unbiased estimate over its samples.
 */
const EXEC_ROWS: Array<{ file: string; set: string; decoding: string }> = [
  { file: 'benchmark.json', set: 'team benchmark', decoding: 'greedy + syntax guard' },
  { file: 'benchmark-beam5.json', set: 'team benchmark', decoding: 'beam 5 + rerank by parse (the default decoding)' },
  { file: 'benchmark-samples5.json', set: 'team benchmark', decoding: '5 samples, temperature 0.8' },
  { file: 'benchmark-exec10.json', set: 'team benchmark', decoding: '10 samples, chosen by execution (`--select exec`)' },
  { file: 'mbpp.json', set: 'MBPP test (11-510)', decoding: 'greedy + syntax guard' },
  { file: 'mbpp-beam5.json', set: 'MBPP test (11-510)', decoding: 'beam 5 + rerank by parse (the default decoding)' },
];

/** The execution table (pass@1 and pass@5 strict / bound), from the summaries that exist. */
export function defaultEvalExecution(resultsDir: string): string[] {
  const read = reader(resultsDir);
  const rows: string[] = [];
  for (const row of EXEC_ROWS) {
    const s = read(row.file);
    if (!s) continue;
    const prompt = row.set.startsWith('MBPP') ? (s.prompt === 'text+test' ? 'task text + first test' : 'task text') : 'the problem\'s sentence';
    const at5 = (s.passAtK as Record<string, number> | undefined)?.['pass@5'] === undefined ? '-' : passes(s, 5, false);
    rows.push(`| ${row.set} | ${prompt} | ${row.decoding} | ${String(s.problems)} | ${passes(s, 1, false)} | ${at5} | ${pct(s.syntaxValidity)} | \`${row.file}\` |`);
  }
  if (rows.length === 0) return [];
  return [
    '| set | prompt | decoding | problems | pass@1 (strict / bound) | pass@5 (strict / bound) | compile | `results/default-eval/` |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | --- |',
    ...rows,
  ];
}

/** Both parts, with the sentence that says where they come from. */
export function defaultEvalSection(resultsDir: string): string[] {
  const table = defaultEvalTable(resultsDir);
  if (!table) return ['No evaluation of the default model in results/default-eval yet.'];
  return [
    'The test split as every experiment (grouped, 306 pairs). Each decoding step of the quality work is measured on the default model: ' +
      '`results/default-eval/plain/*.json` without the steps, `results/default-eval/*.json` with them. Regenerate all of it with `bash scripts/eval-default.sh`.',
    '',
    ...table,
    '',
    ...defaultEvalExecution(resultsDir),
  ];
}
