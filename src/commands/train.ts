import { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadEmbeddingInit } from '../train/embeddingInit.js';
import { positiveInt } from './options.js';
import { prepareData } from '../train/prepare.js';
import { readSpecFile, resolveSpec } from '../train/spec.js';
import { train } from '../train/trainer.js';

/** `en2py train`: train a model into a run directory (also a model directory). */
export function trainCommand(): Command {
  return new Command('train')
    .description('train a model on English→Python pairs; the output directory is a model directory for generate/eval/serve')
    .option('--preset <name>', 'model and training preset', 'seed')
    .option('--config <file>', 'JSON run spec: {preset, model, data, train} overrides (unknown keys are errors)')
    .option('--data <file>', 'data file (default: $EN2PY_DATA, ../shared/data, or the download cache)')
    .requiredOption('--out <dir>', 'run directory')
    .option('--epochs <n>', 'number of epochs (overrides the preset/config)', positiveInt)
    .option('--resume', 'continue the interrupted run in --out from its last checkpoint')
    .action(async (o: { preset: string; config?: string; data?: string; out: string; epochs?: number; resume?: boolean }) => {
      const spec = o.config ? readSpecFile(o.config) : resolveSpec({ preset: o.preset }, `--preset ${o.preset}`);
      if (o.epochs) spec.train.epochs = o.epochs;
      const data = await prepareData(spec, o.out, { resume: !!o.resume, dataOverride: o.data });
      const killAfter = process.env.EN2PY_TEST_KILL_AFTER_STEP ? Number(process.env.EN2PY_TEST_KILL_AFTER_STEP) : undefined;
      process.stderr.write(`data: ${data.file}: train ${data.train.length}, valid ${data.valid.length} pairs; vocabularies en ${data.srcVocab.size}, py ${data.tgtVocab.size}\n`);
      const log = (line: string) => process.stderr.write(line + '\n');
      const fresh = !existsSync(path.join(o.out, 'checkpoint.safetensors'));
      const init = fresh && (spec.embeddings.source || spec.embeddings.target)
        ? loadEmbeddingInit(spec, { src: data.srcVocab, tgt: data.tgtVocab }, data.splits.train, log)
        : undefined;
      const r = train(spec, o.out, data, { resume: !!o.resume, killAfterStep: killAfter, init, log });
      const best = r.state.history.find((m) => m.epoch === r.state.bestEpoch);
      process.stdout.write(`${r.state.stopReason}; best epoch ${r.state.bestEpoch} (valid ppl ${best?.valid_ppl.toFixed(2)}); model in ${r.dir}\n`);
    });
}
