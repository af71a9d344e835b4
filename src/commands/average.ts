import { Command, InvalidArgumentError } from 'commander';
import { UserError } from '../errors.js';
import { averageEpochs, KEEP_EPOCH_WEIGHTS, savedEpochs } from '../train/average.js';
import { positiveInt } from './options.js';

function epochList(v: string): number[] {
  const epochs = v.split(',').map((s) => Number(s.trim()));
  if (epochs.some((e) => !Number.isInteger(e) || e < 1)) throw new InvalidArgumentError('expected epoch numbers separated by commas, e.g. 12,13,14');
  return epochs;
}

/** `en2py average`: checkpoint averaging of a run's last epochs into a new model directory. */
export function averageCommand(): Command {
  return new Command('average')
    .description(`write the mean of a run's epoch weights (it keeps its last ${KEEP_EPOCH_WEIGHTS}) as a model directory`)
    .requiredOption('--model <dir>', 'the training run directory')
    .requiredOption('--out <dir>', 'where to write the averaged model')
    .option('--last <n>', 'average the last n saved epochs', positiveInt)
    .option('--epochs <list>', 'average these epochs, e.g. 12,13,14', epochList)
    .action((o: { model: string; out: string; last?: number; epochs?: number[] }) => {
      if ((o.last === undefined) === (o.epochs === undefined)) throw new UserError('give either --last N or --epochs LIST');
      const saved = savedEpochs(o.model);
      if (o.last !== undefined && saved.length < o.last) throw new UserError(`${o.model}: --last ${o.last}, but the run holds the weights of ${saved.length} epoch(s)`);
      const epochs = o.epochs ?? saved.slice(-o.last!);
      const r = averageEpochs(o.model, epochs, o.out);
      process.stdout.write(`wrote ${o.out}: mean of epochs ${r.epochs.join(', ')} (${r.parameters.toLocaleString('en-US')} parameters)\n`);
    });
}
