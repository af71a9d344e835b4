import { Command, InvalidArgumentError } from 'commander';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { copyCompanionFiles, loadModel, saveModel } from '../model/bundle.js';
import { describeMemberSizes } from '../model/ensemble.js';
import { modelCard } from '../model/card.js';
import { writeFileAtomic } from '../util/atomicWrite.js';

/** `en2py export`: copy a trained model into a compact model directory (float16 weights) with a model card. */
export function exportCommand(): Command {
  return new Command('export')
    .description('write a trained model as a compact model directory (float16 weights by default) with a model card')
    .requiredOption('--model <dir>', 'trained run or model directory')
    .requiredOption('--out <dir>', 'where to write it (e.g. models/default)')
    .option('--dtype <type>', 'f16 or f32 weights', (v: string) => {
      if (v !== 'f16' && v !== 'f32') throw new InvalidArgumentError('expected f16 or f32');
      return v;
    }, 'f16')
    .option('--retrain <command>', 'the command that retrains this model, for the card', 'npx en2py train --preset seed --out runs/seed && npx en2py export --model runs/seed --out models/default')
    .action((o: { model: string; out: string; dtype: 'f16' | 'f32'; retrain: string }) => {
      const loaded = loadModel(o.model, { direction: 'any' });
      mkdirSync(o.out, { recursive: true });
      saveModel(o.out, loaded.model, loaded.srcVocab, loaded.tgtVocab, {
        training: loaded.config.training,
        metrics: loaded.config.metrics,
        dtype: o.dtype === 'f16' ? 'F16' : 'F32',
        ensemble: loaded.config.ensemble ? { others: loaded.members.slice(1), from: loaded.config.ensemble.from } : undefined,
      });
      copyCompanionFiles(o.model, o.out, { evaluation: true });
      writeFileAtomic(path.join(o.out, 'README.md'), modelCard(o.out, loaded.config, o.retrain));
      const size = loaded.members.length > 1
        ? `an ensemble of ${describeMemberSizes(loaded.members.map((m) => m.parameterCount()))}`
        : `${loaded.model.parameterCount().toLocaleString('en-US')} parameters`;
      process.stdout.write(`wrote ${o.out} (${o.dtype} weights, ${size})\n`);
    });
}
