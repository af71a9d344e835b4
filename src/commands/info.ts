import { Command } from 'commander';
import os from 'node:os';
import { kernelBackend } from '../tensor/kernels/index.js';

/** `en2py info`: which kernels the engine runs on, and the machine. */
export function infoCommand(): Command {
  return new Command('info')
    .description('print the engine backend (native OpenBLAS or TypeScript reference) and machine facts')
    .option('--json', 'print one JSON object')
    .action((opts: { json?: boolean }) => {
      const info = {
        backend: kernelBackend().name,
        detail: kernelBackend().detail,
        node: process.version,
        cpus: os.availableParallelism(),
        openblasCoretype: process.env.OPENBLAS_CORETYPE ?? null,
      };
      if (opts.json) console.log(JSON.stringify(info));
      else for (const [k, v] of Object.entries(info)) console.log(`${k.padEnd(18)} ${v}`);
    });
}
