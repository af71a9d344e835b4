// Test helper, run as its own process by api.test.ts and worker.test.ts: `en2py
// serve`'s app on a given model with a queue of one, whose generation worker
// (slowWorker.ts) holds each generation until the test opens a gate: each
// generation writes GATE_DIR/started, then waits until GATE_DIR/go exists.
// Prints the URL on stdout, and the server's log on stderr.
// Usage: node slowServer.js MODEL_DIR GATE_DIR
import { createApp, listen } from '../../src/server/app.js';
import { WorkerGenerator } from '../../src/server/workerGenerator.js';

const [modelDir, gateDir] = process.argv.slice(2);
process.env.EN2PY_TEST_GATE = gateDir; // the worker's environment is a copy of this one
const generator = await WorkerGenerator.start(modelDir, { script: new URL('./slowWorker.js', import.meta.url) });
const app = createApp(generator, { maxQueue: 1, log: (line) => process.stderr.write(line + '\n') });
const { url } = await listen(app.server, 0, '127.0.0.1');
process.stdout.write(`en2py serve: test server at ${url}\n`);
