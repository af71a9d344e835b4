import { Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { describeMemberSizes } from '../model/ensemble.js';
import { createApp, listen } from '../server/app.js';
import { WorkerGenerator } from '../server/workerGenerator.js';
import { DEFAULT_MODEL_DIR } from './generate.js';
import { positiveInt, precisionOption } from './options.js';
import type { Precision } from '../tensor/precision.js';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number (0-65535; 0 = any free port)');
  return n;
}

/** The message shown when the default model has not been trained yet. */
export function missingDefaultModelMessage(dir: string): string {
  return `no model at ${dir} yet. Train it with:\n  en2py train --preset seed --out models/default\n` +
    `(or serve another model directory with --model DIR)`;
}

/** `en2py serve`: the web page and JSON API over one model. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('serve a model: a web page at / and a JSON API at /api/generate')
    .option('--model <dir>', 'model directory (default: models/default in the repository)')
    .option('--port <n>', 'port to listen on (0 = any free port)', port, 8080)
    .option('--host <host>', 'address to bind (use 0.0.0.0 to expose it to the network)', '127.0.0.1')
    .option('--max-prompt <chars>', 'longest prompt accepted', positiveInt, 500)
    .option('--max-queue <n>', 'requests that may wait for the model before new ones get 503', positiveInt, 64)
    .addOption(precisionOption())
    .action(async (o: { model?: string; port: number; host: string; maxPrompt: number; maxQueue: number; precision: 'auto' | Precision }) => {
      const dir = o.model ?? DEFAULT_MODEL_DIR;
      if (!o.model && !existsSync(path.join(dir, 'config.json'))) throw new UserError(missingDefaultModelMessage(dir));
      // The model loads in the generation worker, which answers every request's generation.
      const generator = await WorkerGenerator.start(dir, { precision: o.precision });
      const app = createApp(generator, { maxPromptChars: o.maxPrompt, maxQueue: o.maxQueue });
      let bound;
      try {
        bound = await listen(app.server, o.port, o.host);
      } catch (err) {
        generator.close();
        const e = err as NodeJS.ErrnoException;
        if (e.code === 'EADDRINUSE') throw new UserError(`port ${o.port} on ${o.host} is already in use; pick another with --port`);
        if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') throw new UserError(`cannot bind to ${o.host}: no such local address`);
        throw err;
      }
      const info = generator.info;
      process.stdout.write(`en2py serve: model ${info.name} (${info.members.length > 1 ? `ensemble of ${describeMemberSizes(info.members.map((m) => m.parameters))}` : `${info.parameters.toLocaleString('en-US')} parameters`}, ${info.precision}) at ${bound.url}\n`);
      const stop = () => {
        app.server.close();
        app.server.closeAllConnections();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
