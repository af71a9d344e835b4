// Test helper, run as its own process by api.test.ts: `en2py serve`'s app on a
// given model with a queue of one, whose generations hold the CPU (as a big model
// would) until the test opens a gate: each generation writes GATE_DIR/started,
// then waits, synchronously, until GATE_DIR/go exists. Requests that arrive
// meanwhile pile up unread, and are all seen at once when the gate opens.
// Prints the URL on stdout. Usage: node slowServer.js MODEL_DIR GATE_DIR
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadModel } from '../../src/model/bundle.js';
import { createApp, listen } from '../../src/server/app.js';

const [modelDir, gateDir] = process.argv.slice(2);
const app = createApp(loadModel(modelDir), { maxQueue: 1, log: () => {} });
const generate = app.generator.generate.bind(app.generator);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
app.generator.generate = (sentence, opts) => {
  writeFileSync(path.join(gateDir, 'started'), '');
  const until = Date.now() + 30_000;
  while (!existsSync(path.join(gateDir, 'go')) && Date.now() < until) Atomics.wait(sleeper, 0, 0, 5);
  return generate(sentence, opts);
};
const { url } = await listen(app.server, 0, '127.0.0.1');
process.stdout.write(`en2py serve: test server at ${url}\n`);
