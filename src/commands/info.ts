import { Command } from 'commander';
import os from 'node:os';
import { kernelBackend } from '../tensor/kernels/index.js';
import { matmulInfo, resolvePrecision } from '../tensor/precision.js';
import { loadModel } from '../model/bundle.js';
import { describeMemberSizes } from '../model/ensemble.js';

/** `en2py info`: which kernels the engine runs on, and the machine. */
export function infoCommand(): Command {
  return new Command('info')
    .description('print the engine backend (native: oneDNN and OpenBLAS, or the TypeScript reference), the default precision and machine facts')
    .option('--json', 'print one JSON object')
    .option('--model <dir>', 'also list the model\'s weights (names as in model.safetensors) and shapes')
    .action((opts: { json?: boolean; model?: string }) => {
      if (opts.model) {
        const { model, members, config } = loadModel(opts.model, { direction: 'any' });
        const weightsOf = (m: typeof model) => [...m.params.byName].map(([name, t]) => ({ name, shape: t.shape }));
        const weights = weightsOf(model);
        const files = ['model.safetensors', ...(config.ensemble?.weights ?? [])];
        // An ensemble's members share weight names; their shapes differ when their sizes do.
        const sameShapes = members.every((m) => JSON.stringify(m.config) === JSON.stringify(model.config));
        if (opts.json) {
          const perMember = members.map((m, k) => ({ file: files[k], parameters: m.parameterCount(), config: m.config, weights: weightsOf(m) }));
          console.log(JSON.stringify({ parameters: model.parameterCount(), members: members.length, files, config: config.model, weights, ...(members.length > 1 ? { perMember } : {}) }));
        } else if (members.length === 1) {
          console.log(`${model.parameterCount().toLocaleString('en-US')} parameters`);
          for (const w of weights) console.log(`${w.name.padEnd(48)} [${w.shape.join(', ')}]`);
        } else {
          console.log(`an ensemble of ${describeMemberSizes(members.map((m) => m.parameterCount()))}: ${files.join(', ')}`);
          (sameShapes ? [model] : members).forEach((m, k) => {
            if (!sameShapes) console.log(`\n${files[k]}:`);
            for (const w of weightsOf(m)) console.log(`${w.name.padEnd(48)} [${w.shape.join(', ')}]`);
          });
        }
        return;
      }
      const matmul = matmulInfo();
      const info = {
        backend: kernelBackend().name,
        detail: kernelBackend().detail,
        // What train, generate, eval and serve use by default (--precision / train.precision auto).
        precision: resolvePrecision('auto'),
        isa: matmul.isa,
        bf16Impl: matmul.bf16Impl,
        node: process.version,
        cpus: os.availableParallelism(),
        openblasCoretype: process.env.OPENBLAS_CORETYPE ?? null,
      };
      if (opts.json) console.log(JSON.stringify(info));
      else for (const [k, v] of Object.entries(info)) console.log(`${k.padEnd(18)} ${v}`);
    });
}
