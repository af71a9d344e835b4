// How the `en2py` command reports usage errors: one line on stderr, exit status 2
// (as for every input error), instead of commander's default of exit status 1
// and, for an unknown command, the whole help after it.
import { CommanderError, type Command } from 'commander';

/** Shown at the end of `en2py --help`. */
export const EXIT_STATUS_HELP = `
Exit status:
  0  success
  2  a usage or input error: an unknown command or option, a bad value, a missing
     or malformed file, a bad model directory; one line on stderr says what
  1  an unexpected internal error (a bug; it prints a stack trace)`;

/**
 * Commander's error text ("error: unknown command 'genrate'\n(Did you mean
 * generate?)\n") as one line that names the command and where to look.
 */
export function oneLineUsageError(message: string, commandPath: string): string {
  const text = message.trim().split('\n').map((l) => l.trim()).filter(Boolean)
    .map((l) => l.replace(/^error: /, '').replace(/^\(Did you mean (.*)\)$/, 'did you mean $1'))
    .join('; ');
  const lists = /unknown command/.test(text) ? 'the commands' : 'its arguments and options';
  return `${commandPath}: ${text} (\`${commandPath} --help\` lists ${lists})\n`;
}

/** Makes `cmd` and its sub-commands throw a CommanderError instead of exiting, and print usage errors as one line. */
export function oneLineUsageErrors(cmd: Command, commandPath = cmd.name()): void {
  cmd.exitOverride();
  cmd.configureOutput({ outputError: (message, write) => write(oneLineUsageError(message, commandPath)) });
  for (const sub of cmd.commands) oneLineUsageErrors(sub, `${commandPath} ${sub.name()}`);
}

/** The exit status for a CommanderError: 0 after --help or --version, 2 for every usage error. */
export function usageExitStatus(err: CommanderError): number {
  return err.exitCode === 0 ? 0 : 2;
}

export { CommanderError };
