import { Command } from 'commander';
import os from 'node:os';
import { kernelBackend } from '../tensor/kernels/index.js';
import { loadModel } from '../model/bundle.js';

/** `en2py info`: which kernels the engine runs on, and the machine. */
export function infoCommand(): Command {
  return new Command('info')
    .description('print the engine backend (native OpenBLAS or TypeScript reference) and machine facts')
    .option('--json', 'print one JSON object')
    .option('--model <dir>', 'also list the model\'s weights (names as in model.safetensors) and shapes')
    .action((opts: { json?: boolean; model?: string }) => {
      if (opts.model) {
        const { model, members, config } = loadModel(opts.model);
        const weights = [...model.params.byName].map(([name, t]) => ({ name, shape: t.shape }));
        // An ensemble's members share names and shapes: one list serves every weight file.
        const files = ['model.safetensors', ...(config.ensemble?.weights ?? [])];
        if (opts.json) console.log(JSON.stringify({ parameters: model.parameterCount(), members: members.length, files, config: config.model, weights }));
        else {
          console.log(`${model.parameterCount().toLocaleString('en-US')} parameters${members.length > 1 ? ` per member; an ensemble of ${members.length} (${files.join(', ')})` : ''}`);
          for (const w of weights) console.log(`${w.name.padEnd(48)} [${w.shape.join(', ')}]`);
        }
        return;
      }
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
