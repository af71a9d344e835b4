import { Command } from 'commander';
import { writeEnsemble } from '../model/ensemble.js';

const collect = (v: string, acc: string[]) => [...acc, v];

/** `en2py ensemble`: several trained models as one model directory whose decoder averages their predictions. */
export function ensembleCommand(): Command {
  return new Command('ensemble')
    .description('write several models (same vocabularies, number slots and data split; sizes may differ) as one ensemble model directory')
    .requiredOption('--model <dir>', 'a member model directory (give it two or more times)', collect, [] as string[])
    .requiredOption('--out <dir>', 'where to write the ensemble')
    .action((o: { model: string[]; out: string }) => {
      const r = writeEnsemble(o.model, o.out);
      process.stdout.write(`wrote ${o.out}: ensemble of ${r.members} models (${r.parameters.toLocaleString('en-US')} parameters in all)\n`);
    });
}
