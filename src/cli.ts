#!/usr/bin/env node
// The `en2py` command. Each sub-command lives in src/commands/<name>.ts and is
// registered here; this file only wires them together and turns errors into
// one clear line (no stack trace) with exit status 2 (see EXIT_STATUS_HELP).
import { Command } from 'commander';
import { UserError } from './errors.js';
import { CommanderError, EXIT_STATUS_HELP, oneLineUsageErrors, usageExitStatus } from './cliUsage.js';
import { describeFileError, isFileError } from './util/fileErrors.js';

// Each sub-command's module is imported only when that command runs: importing
// all of them (the whole engine, evaluation, server, experiments) cost ~0.1 s of
// every start. Help and unknown commands load them all. Keep the order of `--help`.
const commands: Array<[string, () => Promise<Command>]> = [
  ['data', async () => (await import('./commands/data.js')).dataCommand()],
  ['corpus', async () => (await import('./commands/corpus.js')).corpusCommand()],
  ['train', async () => (await import('./commands/train.js')).trainCommand()],
  ['generate', async () => (await import('./commands/generate.js')).generateCommand()],
  ['export', async () => (await import('./commands/export.js')).exportCommand()],
  ['average', async () => (await import('./commands/average.js')).averageCommand()],
  ['ensemble', async () => (await import('./commands/ensemble.js')).ensembleCommand()],
  ['eval', async () => (await import('./commands/eval.js')).evalCommand()],
  ['verified-samples', async () => (await import('./commands/verifiedSamples.js')).verifiedSamplesCommand()],
  ['rescore-syntax', async () => (await import('./commands/rescoreSyntax.js')).rescoreSyntaxCommand()],
  ['experiment', async () => (await import('./commands/experiment.js')).experimentCommand()],
  ['info', async () => (await import('./commands/info.js')).infoCommand()],
  ['embeddings', async () => (await import('./commands/embeddings.js')).embeddingsCommand()],
  ['serve', async () => (await import('./commands/serve.js')).serveCommand()],
];

async function main(): Promise<void> {
  const program = new Command()
    .name('en2py')
    .description('Train, study and serve Transformer models that turn English into Python.')
    .addHelpText('after', EXIT_STATUS_HELP);
  const named = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const chosen = commands.filter(([name]) => name === named);
  for (const [, load] of chosen.length ? chosen : commands) program.addCommand(await load());
  oneLineUsageErrors(program);
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  if (err instanceof CommanderError) {
    process.exitCode = usageExitStatus(err); // commander has printed the help or the one-line error
    return;
  }
  if (err instanceof UserError) {
    process.stderr.write(`en2py: ${err.message}\n`);
    process.exit(2);
  }
  if (isFileError(err)) {
    process.stderr.write(`en2py: ${err.path}: cannot ${err.syscall} (${describeFileError(err)})\n`);
    process.exit(2);
  }
  throw err;
});
