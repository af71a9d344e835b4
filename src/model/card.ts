/**
 * The model card (README.md of a model directory): what it was trained on, its
 * configuration, its metrics and the one command that retrains it. Generated
 * from the directory's own files, so it cannot disagree with them.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BundleConfig } from './bundle.js';
import { describeMemberSizes } from './ensemble.js';
import { describeRecordedFile } from '../util/portablePaths.js';

interface ExtraReport { source: string; file: unknown; added: number; leakingIntoEvaluation: number; nearBenchmark: number; decontaminated?: Record<string, number> }

/** What each data.extra source is (src/data/extra.ts). */
const EXTRA_SOURCE_TEXT: Record<string, string> = {
  conala: "CoNaLa's curated train set",
  mbpp: "MBPP's training tasks 601-974 only",
  stdlib: "the standard library's documented functions",
  functions: 'the shared functions/ set: TheAlgorithms/Python, keon/algorithms, exercism/python (MIT) and 30-seconds-of-python (CC BY 4.0)',
  corpus: "the pretraining corpus's documented functions (docs/data-card.md)",
};

/** Card lines for the training pairs added to the main set (data.extra, data.renamedCopies), from the run's data summary. */
function extraDataLines(data: Record<string, unknown> | undefined): string[] {
  const split = (data?.split ?? {}) as { extra?: ExtraReport[]; renamedCopies?: number; pairs?: { train?: number } };
  const lines = (split.extra ?? []).map((r) =>
    `- Extra training pairs: ${r.added.toLocaleString('en-US')} from ${describeRecordedFile(r.file)} (${EXTRA_SOURCE_TEXT[r.source] ?? r.source}); ` +
    `${r.leakingIntoEvaluation + r.nearBenchmark + Object.values(r.decontaminated ?? {}).reduce((a, b) => a + b, 0)} dropped for grouping with a validation/test pair, ` +
    'repeating a benchmark prompt or nearly matching an evaluated item.');
  if (split.renamedCopies) lines.push(`- Augmentation: ${split.renamedCopies.toLocaleString('en-US')} copies of training pairs with local variables consistently renamed (src/data/augment.ts).`);
  if (lines.length && split.pairs?.train) lines.push(`- ${split.pairs.train.toLocaleString('en-US')} training pairs in all; validation and test are the main set's only.`);
  return lines;
}

/**
 * The runs a fine-tuned model started from (spec.init.model, followed through each
 * run's own run.json), earliest first, each with its description; [] for a model
 * trained from random weights. Paths are as the specs give them (relative to the
 * repository, where `en2py export` runs).
 */
export function trainingStages(spec: { init?: { model?: string } } | undefined): Array<{ from: string; description: string | null }> {
  const stages: Array<{ from: string; description: string | null }> = [];
  const seen = new Set<string>();
  let from = spec?.init?.model;
  while (from && !seen.has(from)) {
    seen.add(from);
    const runFile = path.resolve(from, 'run.json');
    if (!existsSync(runFile)) {
      stages.unshift({ from, description: null });
      break;
    }
    const run = JSON.parse(readFileSync(runFile, 'utf8')) as { description?: string; init?: { model?: string } };
    stages.unshift({ from, description: run.description ?? null });
    from = run.init?.model;
  }
  return stages;
}

export function modelCard(dir: string, config: BundleConfig, retrain: string): string {
  const m = config.model;
  const training = (config.training ?? {}) as {
    spec?: { train?: Record<string, unknown>; data?: Record<string, unknown>; init?: { model?: string }; description?: string }; bestEpoch?: number; averagedEpochs?: number[]; data?: Record<string, unknown>;
    ensembleMembers?: Array<{ from: string; description?: string; seed?: number; bestEpoch?: number; averagedEpochs?: number[]; parameters?: number }>;
  };
  const members = training.ensembleMembers ?? [];
  const memberConfigs = [m, ...(config.ensemble?.models ?? [])];
  const membersDiffer = memberConfigs.some((c) => JSON.stringify(c) !== JSON.stringify(m));
  const metricsFile = path.join(dir, 'metrics.jsonl');
  const history = existsSync(metricsFile)
    ? readFileSync(metricsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, number>)
    : [];
  const stages = trainingStages(training.spec);
  const lines = [
    '# en2py default model',
    '',
    'A sequence-to-sequence Transformer that turns an English sentence into Python, trained by en2py',
    '(post-norm encoder-decoder as in "Attention is all you need").',
    '',
    '## Retrain it',
    '',
    '```bash',
    retrain,
    '```',
    '',
    '## Data',
    '',
    `- ${describeRecordedFile(training.data?.file ?? 'english_python_data.txt')}, cleaned and split by en2py (\`en2py data stats\`, \`en2py data split\`): grouped split, seed ${String(training.spec?.data?.splitSeed ?? 1)}, no description group in two splits.`,
    ...extraDataLines(training.data),
    stages.length
      ? `- Vocabularies of the first stage (${stages[0].from}), built from its training data: English ${m.srcVocab} words, Python ${m.tgtVocab} model tokens (words and subword pieces; \`<nl>\`, \`<indent>\`, \`<dedent>\` for structure).`
      : `- Vocabularies from the training split only (before augmentation): English ${m.srcVocab} words, Python ${m.tgtVocab} model tokens (words and subword pieces; \`<nl>\`, \`<indent>\`, \`<dedent>\` for structure).`,
    ...(m.numberSlots ? ['- Number slots: each distinct number of the sentence is read as `<num0>`, `<num1>`, … and copied into the code where the model writes that slot (src/tokenize/numberSlots.ts).'] : []),
    '',
    ...(stages.length ? [
      '## Training stages',
      '',
      'Trained in stages, each starting from the weights and vocabularies of the one before (`init.model`); the data, training and metrics sections here are the last stage\'s.',
      '',
      ...stages.map((st, k) => `${k + 1}. ${st.from}${st.description ? `: ${st.description}` : ' (its run.json is not here)'}`),
      `${stages.length + 1}. this model${training.spec?.description ? `: ${training.spec.description}` : ''}`,
      '',
    ] : []),
    '## Configuration',
    '',
    // One line for the model, or one per member when an ensemble's members differ in size.
    ...(membersDiffer ? memberConfigs : [m]).map((c, k) =>
      `- ${membersDiffer ? `member ${k + 1}: ` : ''}d_model ${c.dModel}, ${c.encoderLayers}+${c.decoderLayers} layers, ${c.heads} heads, feed-forward ${c.ffDim}, dropout ${c.dropout}, ${c.norm}-norm, ${c.positions} positions, max length ${c.maxLen}`),
    members.length > 1
      ? `- An ensemble of ${describeMemberSizes(members.map((x) => x.parameters ?? config.parameters))} (\`en2py ensemble\`): weights in \`model.safetensors\`, ${(config.ensemble?.weights ?? []).map((w) => `\`${w}\``).join(', ')} with PyTorch-style names (\`en2py info --model DIR\` lists them); decoding averages the members' next-token probabilities. The data and training lines here are the first member's. Members:\n${members.map((m) => `  - ${m.from} (training seed ${m.seed ?? '?'}${m.averagedEpochs?.length ? `, mean of epochs ${m.averagedEpochs.join(', ')}` : `, best epoch ${m.bestEpoch ?? '?'}`})${m.description ? `: ${m.description}` : ''}`).join('\n')}`
      : `- ${config.parameters.toLocaleString('en-US')} parameters; weights in \`model.safetensors\` with PyTorch-style names (\`en2py info --model DIR\` lists them)`,
    `- training: ${JSON.stringify(training.spec?.train ?? {})}`,
    '',
    '## Metrics',
    '',
    (members.length > 1 ? `Training of the first member, ${members[0].from}. ` : '') + (training.averagedEpochs?.length
      ? `Weights: the mean of epochs ${training.averagedEpochs.join(', ')} (checkpoint averaging, \`en2py average\`); best single epoch ${training.bestEpoch ?? '?'} by validation loss. Perplexities are per en2py model token.`
      : `Best epoch: ${training.bestEpoch ?? '?'} (by validation loss). Perplexities are per en2py model token.`),
    '',
    '| epoch | train loss | valid loss | valid ppl | tokens/s | epoch s |',
    '|---|---|---|---|---|---|',
    ...history.map((h) => `| ${h.epoch} | ${h.train_loss.toFixed(3)} | ${h.valid_loss.toFixed(3)} | ${h.valid_ppl.toFixed(2)} | ${h.tokens_per_s.toFixed(0)} | ${h.epoch_s.toFixed(1)} |`),
    '',
  ];
  const evalFile = path.join(dir, 'eval-test.json');
  if (existsSync(evalFile)) {
    const e = JSON.parse(readFileSync(evalFile, 'utf8')) as Record<string, unknown> & { codebleu?: { codebleu: number }; decoding?: Record<string, unknown> };
    const pct = (x: unknown) => `${(100 * Number(x)).toFixed(1)}%`;
    lines.push(
      `Test split (${String(e.examples)} pairs), \`en2py eval\` with ${JSON.stringify(e.decoding)} (\`eval-test.json\`):`,
      '',
      '| BLEU (Python lexer tokens) | CodeBLEU | exact match | syntax-valid | token accuracy | perplexity | outputs with <unk> |',
      '|---|---|---|---|---|---|---|',
      `| ${Number(e.bleu).toFixed(2)} | ${Number(e.codebleu?.codebleu).toFixed(3)} | ${pct(e.exactMatch)} | ${pct(e.syntaxValidity)} | ${pct(e.tokenAccuracy)} | ${Number(e.perplexity).toFixed(2)} | ${pct(e.unkRate)} |`,
      '',
    );
  }
  return lines.join('\n');
}
