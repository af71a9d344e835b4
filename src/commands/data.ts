import { Command } from 'commander';
import { dataStatsCommand } from './dataStats.js';
import { dataSplitCommand } from './dataSplit.js';
import { dataDownloadCommand } from './dataDownload.js';

/** `en2py data …`: stats, split, download. */
export function dataCommand(): Command {
  return new Command('data')
    .description('read, clean, split and download data sets')
    .addCommand(dataStatsCommand())
    .addCommand(dataSplitCommand())
    .addCommand(dataDownloadCommand());
}
