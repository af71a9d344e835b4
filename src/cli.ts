#!/usr/bin/env node
// The `en2py` command. Each sub-command lives in src/commands/<name>.ts and is
// registered here; this file only wires them together and turns errors into
// one clear line (no stack trace) with a non-zero exit code.
import { Command } from 'commander';
import { UserError } from './errors.js';
import { infoCommand } from './commands/info.js';
import { dataCommand } from './commands/data.js';
import { trainCommand } from './commands/train.js';
import { generateCommand } from './commands/generate.js';
import { exportCommand } from './commands/export.js';
import { averageCommand } from './commands/average.js';
import { ensembleCommand } from './commands/ensemble.js';
import { rescoreSyntaxCommand } from './commands/rescoreSyntax.js';
import { embeddingsCommand } from './commands/embeddings.js';
import { serveCommand } from './commands/serve.js';
import { evalCommand } from './commands/eval.js';
import { experimentCommand } from './commands/experiment.js';
import { corpusCommand } from './commands/corpus.js';

const program = new Command();
program
  .name('en2py')
  .description('Train, study and serve Transformer models that turn English into Python.')
  .showHelpAfterError();

program.addCommand(dataCommand());
program.addCommand(corpusCommand());
program.addCommand(trainCommand());
program.addCommand(generateCommand());
program.addCommand(exportCommand());
program.addCommand(averageCommand());
program.addCommand(ensembleCommand());
program.addCommand(evalCommand());
program.addCommand(rescoreSyntaxCommand());
program.addCommand(experimentCommand());
program.addCommand(infoCommand());
program.addCommand(embeddingsCommand());
program.addCommand(serveCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof UserError) {
    process.stderr.write(`en2py: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
});
